using Lantern.Interop.Tests.Infrastructure;
using Lantern.Interop.Tests.Upstreams;

namespace Lantern.Interop.Tests.Peers;

/// <summary>sipp playing a peer that pushes MWI by unsolicited NOTIFY or PUBLISH (sip.md §8).</summary>
public sealed class PeerSippTests
{
    private static string Config(string match, string credentials = "") => InteropHelpers.ConfigWith(
        $$"""
        "peers": [ { "name": "oldpbx", "match": [ "{{match}}" ], "mailbox": "4123"{{credentials}} } ]
        """);

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task UnsolicitedNotify_FromPeer_200AndMailboxSet(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        await using var server = await LanternProcess.StartAsync(Config("127.0.0.0/8"));

        var result = await Sipp.RunClientAsync("peer_notify.xml", server.SipPort, transport, []);

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Equal("3/8 (1/2)", await InteropHelpers.VoiceAsync(server, "4123@SIP_Remote"));
        var peer = (await InteropHelpers.GetJsonAsync(server, "/api/v1/peers"))!.Value.GetProperty("items")[0];
        Assert.Equal("oldpbx", peer.GetProperty("name").GetString());
        Assert.Equal(1, peer.GetProperty("accepted").GetInt64());
    }

    [Fact]
    public async Task UnsolicitedNotify_FromUnknownAddress_403AndNothingWritten()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        await using var server = await LanternProcess.StartAsync(Config("192.0.2.10"));

        var result = await Sipp.RunClientAsync("peer_notify_refused.xml", server.SipPort, "udp", []);

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Null(await InteropHelpers.VoiceAsync(server, "4123@SIP_Remote"));
    }

    [Fact]
    public async Task UnsolicitedNotify_PeerWithCredentials_ChallengedThenAccepted()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        // TestConfigs.Minimal challenges MD5 first: sipp answers only the first challenge and knows no SHA-256.
        await using var server = await LanternProcess.StartAsync(Config("127.0.0.1", ", \"username\": \"vm\", \"password\": \"pw4123\""));

        var result = await Sipp.RunClientAsync("peer_notify_auth.xml", server.SipPort, "udp", ["-au", "vm", "-ap", "pw4123", "-auth_uri", "4123@127.0.0.1:" + server.SipPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Equal("7/0 (0/0)", await InteropHelpers.VoiceAsync(server, "4123@SIP_Remote"));
    }

    [Fact]
    public async Task Publish_Lifecycle_LapsedKeepsCounts()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        await using var server = await LanternProcess.StartAsync(Config("127.0.0.1"));

        var result = await Sipp.RunClientAsync("peer_publish.xml", server.SipPort, "udp", []);

        Assert.True(result.ExitCode == 0, result + "\n--- lantern ---\n" + server.Output);
        Assert.Equal("0/10 (0/2)", await InteropHelpers.VoiceAsync(server, "4123@SIP_Remote"));
        var mailbox = await InteropHelpers.GetJsonAsync(server, "/api/v1/mailboxes/4123%40SIP_Remote");
        Assert.True(mailbox!.Value.GetProperty("publicationLapsed").GetBoolean());
        Assert.Equal("peer:oldpbx", mailbox.Value.GetProperty("source").GetString());
    }
}
