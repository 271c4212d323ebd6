using System.Globalization;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Upstreams;

/// <summary>Lantern subscribing to sipp playing the upstream MWI server (sip.md §7).</summary>
public sealed class UpstreamSippTests
{
    private static string Config(int upstreamPort, string transport) => InteropHelpers.ConfigWith(transport == "udp"
        ? $"\"upstreams\": [ \"mwi:secret@127.0.0.1:{upstreamPort.ToString(CultureInfo.InvariantCulture)}/1001\" ]"
        : $$"""
            "upstreams": [ { "name": "prov", "user": "mwi", "secret": "secret", "host": "127.0.0.1", "port": {{upstreamPort.ToString(CultureInfo.InvariantCulture)}},
                             "transport": "{{transport}}", "mailbox": "1001" } ]
            """);

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Upstream_Challenge200Notify_MailboxSet(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        var port = FreePorts.NextUdpAndTcp();
        var sipp = InteropHelpers.RunServerAsync("upstream_uas.xml", port, transport, calls: 1);
        await using var server = await LanternProcess.StartAsync(Config(port, transport));

        var result = await sipp;

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Equal("2/8 (0/2)", await InteropHelpers.VoiceAsync(server, "1001@SIP_Remote"));
    }

    [Fact]
    public async Task Upstream_ChanSipReusesBranch_BothNotifiesAppliedLastWins()
    {
        // Asterisk chan_sip: one Via branch for every NOTIFY of the dialog, CSeq 101 then 102 50 ms later.
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        var port = FreePorts.NextUdpAndTcp();
        var sipp = InteropHelpers.RunServerAsync("upstream_uas_chansip_branch.xml", port, "udp", calls: 1);
        await using var server = await LanternProcess.StartAsync(Config(port, "udp"));

        var result = await sipp;

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Equal("1/1 (0/0)", await InteropHelpers.VoiceAsync(server, "1001@SIP_Remote"));
    }

    [Fact]
    public async Task Upstream_500ThenRetry_BackoffLoggedAndMailboxSet()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        var port = FreePorts.NextUdpAndTcp();
        var sipp = InteropHelpers.RunServerAsync("upstream_uas_500_then_ok.xml", port, "udp", calls: 2);
        await using var server = await LanternProcess.StartAsync(Config(port, "udp"));

        var result = await sipp;

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Contains("500 Server Internal Error; retrying in", server.Output, StringComparison.Ordinal);
        Assert.Equal("4/1 (1/0)", await InteropHelpers.VoiceAsync(server, "1001@SIP_Remote"));
        var upstream = (await InteropHelpers.GetJsonAsync(server, "/api/v1/upstreams"))!.Value.GetProperty("items")[0];
        Assert.Equal("active", upstream.GetProperty("state").GetString());
        Assert.Equal("500 Server Internal Error", upstream.GetProperty("lastError").GetString());
        Assert.Equal(2, upstream.GetProperty("attempts").GetInt64());
        Assert.Equal(0, upstream.GetProperty("failures").GetInt32());
    }

    [Fact]
    public async Task Upstream_TerminatedDeactivated_ResubscribesAtOnce()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        var port = FreePorts.NextUdpAndTcp();
        var sipp = InteropHelpers.RunServerAsync("upstream_uas_terminated.xml", port, "udp", calls: 2);
        await using var server = await LanternProcess.StartAsync(Config(port, "udp"));

        var result = await sipp;

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Contains("terminated by the server (deactivated)", server.Output, StringComparison.Ordinal);
        Assert.Equal("5/0 (0/0)", await InteropHelpers.VoiceAsync(server, "1001@SIP_Remote"));
    }
}
