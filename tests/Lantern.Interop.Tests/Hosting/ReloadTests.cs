using System.Net;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Interop.Tests.Upstreams;

namespace Lantern.Interop.Tests.Hosting;

/// <summary>config.md §2: SIGHUP and POST /api/v1/config:reload apply a valid file and refuse an invalid one whole.</summary>
public sealed class ReloadTests
{
    [Fact]
    public async Task Sighup_AddsPeer_ItsNotifyIsThenAccepted()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        var refused = await Sipp.RunClientAsync("peer_notify_refused.xml", server.SipPort, "udp", []);
        Assert.True(refused.ExitCode == 0, refused.ToString());

        await WriteConfigWithPeerAsync(server);
        var reloaded = server.WatchOutput("Configuration reloaded");
        await server.HangUpAsync();
        await reloaded.WaitAsync(TimeSpan.FromSeconds(20));

        var accepted = await Sipp.RunClientAsync("peer_notify.xml", server.SipPort, "udp", []);
        Assert.True(accepted.ExitCode == 0, accepted + "\n" + server.Output);
        Assert.Equal("3/8 (1/2)", await InteropHelpers.VoiceAsync(server, "4123@SIP_Remote"));
    }

    [Fact]
    public async Task PostReload_InvalidFile_400WithPathsAndRunningConfigStays()
    {
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal);
        var original = await File.ReadAllTextAsync(server.ConfigPath);
        await File.WriteAllTextAsync(server.ConfigPath, original.TrimEnd()[..^1] + """, "endpoints": [ { "id": "9", "password": "x", "mailboxes": [ "10 01" ] } ] }""");
        using var http = server.CreateAdminClient();

        var response = await http.PostAsync(new Uri("api/v1/config:reload", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("endpoints[0].mailboxes[0]", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode);

        await File.WriteAllTextAsync(server.ConfigPath, original);
        var ok = await http.PostAsync(new Uri("api/v1/config:reload", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private static async Task WriteConfigWithPeerAsync(LanternProcess server)
    {
        var config = (await File.ReadAllTextAsync(server.ConfigPath)).TrimEnd();
        config = config[..config.LastIndexOf('}')] + """, "peers": [ { "name": "oldpbx", "match": [ "127.0.0.1" ], "mailbox": "4123" } ] }""";
        await File.WriteAllTextAsync(server.ConfigPath, config);
    }
}
