using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Phones;

/// <summary>Admission control with sipp (issue 13): a bounded burst of subscription cycles against a server whose overload
/// bounds are deliberately tiny is partly refused with 503 + a jittered Retry-After, every other call completes its cycle,
/// and a lone subscription afterwards is served. No throughput or timing is asserted.</summary>
[Collection(AttackTestGroup.Name)]
public sealed partial class OverloadInteropTests
{
    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "listen": [ { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} } ],
            "trusted": [ "127.0.0.0/8" ],
            "overload": { "maxQueueDelayMs": 1, "minQueuedToRefuse": 0, "maxStoreDelayMs": 1, "retryAfterSeconds": 3, "retryAfterJitterSeconds": 4 } },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] }
        }
        """;

    private static string Users(string prefix, int count)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("overload-inf-").FullName, "users.csv");
        var sb = new StringBuilder("SEQUENTIAL\n");
        for (var i = 1; i <= count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{prefix}{i:D4};127.0.0.1;\n");
        }

        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [GeneratedRegex(@"^SIP/2\.0 503 .*?^Retry-After: *(\d+)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Refusal();

    [GeneratedRegex(@"^SIP/2\.0 503 ", RegexOptions.Multiline)]
    private static partial Regex Status503();

    [Fact]
    public async Task Burst_PastTinyBounds_Refused503WithJitteredRetryAfter_OthersComplete_ThenServed()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Config);

        // 400 cycles offered at 2,000/s: the store's group commit (one fsync) lags more than 1 ms while the burst arrives.
        var burst = await Sipp.RunClientAsync("phones_subscribe_overload.xml", server.SipPort, "udp",
            ["-inf", Users("ov", 400), "-r", "2000", "-l", "400", "-buff_size", "4194304"], calls: 400);

        Assert.True(burst.ExitCode == 0, burst.ToString());
        var refusals = Status503().Count(burst.Messages);
        Assert.True(refusals > 0, "no 503 in the burst\n" + burst);
        foreach (Match m in Refusal().Matches(burst.Messages))
        {
            Assert.InRange(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 3, 7);
        }

        using var http = server.CreateAdminClient();
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"lantern_sip_overloaded_total\S* [1-9]", metrics);

        var after = await Sipp.RunClientAsync("phones_subscribe_overload.xml", server.SipPort, "udp", ["-inf", Users("calm", 1)]);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.DoesNotContain("SIP/2.0 503", after.Messages, StringComparison.Ordinal);
    }
}
