using System.CommandLine;
using Lantern.Cli;

namespace Lantern.Tests.Import;

public sealed class ImportCommandTests
{
    private static readonly string TestData = Path.Combine(AppContext.BaseDirectory, "Import", "TestData");

    [Fact]
    public async Task CommandLine_ImportThenConfigCheck_BothSucceed()
    {
        var output = Path.Combine(Path.GetTempPath(), $"lantern-cli-{Guid.NewGuid():N}.json");
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr };
            var code = await LanternCommandLine.RunAsync(
                ["import", "asterisk", "--sip-conf", Path.Combine(TestData, "sip.conf"), "--pjsip-conf", Path.Combine(TestData, "pjsip.conf"), "--out", output],
                invocation,
                CancellationToken.None);
            Assert.True(code == 0, stderr.ToString());
            Assert.Contains("sip.conf:15: [mapped] mwi=1234:***@provider.example.com/1234 -> upstreams[0]", stdout.ToString(), StringComparison.Ordinal);

            code = await LanternCommandLine.RunAsync(["config", "check", "--no-env", output], invocation, CancellationToken.None);
            Assert.True(code == 0, stderr.ToString());
            Assert.Contains("valid (7 endpoint(s), 2 upstream(s), 2 peer(s))", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task CommandLine_ImportToStdout_JsonOnStdoutReportOnStderr()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await LanternCommandLine.RunAsync(
            ["import", "asterisk", "--pjsip-conf", Path.Combine(TestData, "pjsip.conf")],
            new InvocationConfiguration { Output = stdout, Error = stderr },
            CancellationToken.None);
        Assert.Equal(0, code);
        Assert.StartsWith("{", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("[mapped]", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("[mapped]", stdout.ToString(), StringComparison.Ordinal);
    }
}
