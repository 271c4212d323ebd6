using System.Globalization;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Upstreams;

/// <summary>Instance B subscribes (as an upstream) to instance A's notifier and mirrors A's mailbox (issue 5, "done means").</summary>
public sealed class LanternToLanternTests
{
    private const string ConfigA = """
        "endpoints": [ { "id": "1001", "password": "secret", "mailboxes": [ "1001@default" ] } ]
        """;

    private static string ConfigB(int portA, string transport) => transport == "udp"
        ? $"\"upstreams\": [ \"1001:secret@127.0.0.1:{portA.ToString(CultureInfo.InvariantCulture)}/1001\" ]"
        : $$"""
            "upstreams": [ { "name": "a", "user": "1001", "secret": "secret", "host": "127.0.0.1", "port": {{portA.ToString(CultureInfo.InvariantCulture)}},
                             "transport": "{{transport}}", "mailbox": "1001" } ]
            """;

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public Task B_FollowsEveryChangeOnA(string transport) => RunAsync(transport, restart: false);

    [Fact]
    public Task B_SurvivesARestartOfA_Udp() => RunAsync("udp", restart: true);

    // B's TCP connection dies with A: the restarted A finds B's old source port closed and resumes the dialog at B's Contact.
    [Fact]
    public Task B_SurvivesARestartOfA_Tcp() => RunAsync("tcp", restart: true);

    private static async Task RunAsync(string transport, bool restart)
    {
        await using var a = await LanternProcess.StartAsync(InteropHelpers.ConfigWith(ConfigA));
        await SetAsync(a, 1, 0);
        await using var b = await LanternProcess.StartAsync(InteropHelpers.ConfigWith(ConfigB(a.SipPort, transport)));
        using var events = await EventStream.OpenAsync(b);

        await events.WaitForAsync("1001@SIP_Remote", "\"new\":1", TimeSpan.FromSeconds(15), b);
        await SetAsync(a, 3, 2);
        await events.WaitForAsync("1001@SIP_Remote", "\"new\":3", TimeSpan.FromSeconds(2), b);
        await SetAsync(a, 0, 5);
        await events.WaitForAsync("1001@SIP_Remote", "\"new\":0", TimeSpan.FromSeconds(2), b);

        if (!restart)
        {
            return;
        }

        // A stops and comes back on the same port with the same database: its stored subscription resumes with a NOTIFY
        // of the current state, which B accepts. (After a kill -9 right after subscribing, A may not have stored the
        // subscription yet; B then recovers at its next refresh, which gets 481 and subscribes anew.)
        Assert.Equal(0, await a.StopAsync());
        await using var a2 = await LanternProcess.StartAsync(InteropHelpers.ConfigWith(ConfigA), a.Directory, a.SipPort);
        await SetAsync(a2, 7, 5);
        await events.WaitForAsync("1001@SIP_Remote", "\"new\":7", TimeSpan.FromSeconds(60), b, a2);

        // Not a one-off: the dialog carries on, so the next change on A reaches B too.
        await SetAsync(a2, 2, 10);
        await events.WaitForAsync("1001@SIP_Remote", "\"new\":2", TimeSpan.FromSeconds(10), b, a2);
    }

    private static async Task SetAsync(LanternProcess server, int newCount, int oldCount)
    {
        using var http = server.CreateAdminClient();
        var body = string.Create(CultureInfo.InvariantCulture, $"{{\"voice\":{{\"new\":{newCount},\"old\":{oldCount}}}}}");
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PutAsync(new Uri($"http://127.0.0.1:{server.HttpPort}/api/v1/mailboxes/1001%40default"), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
