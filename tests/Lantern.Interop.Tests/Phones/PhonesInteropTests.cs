using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Phones;

/// <summary>sipp phones against the built server: subscriptions (trusted and digest), rejections, updates, unsolicited NOTIFY and
/// a restart with a live subscription. Needs the host to wire the phones layer (AddLanternPhones).</summary>
public sealed class PhonesInteropTests
{
    private const string Config = """
        {
          "Logging": { "LogLevel": { "Default": "Warning", "Lantern": "Information" } },
          "sip": { "domain": "127.0.0.1", "listen": [
            { "transport": "udp", "address": "127.0.0.1", "port": {SIP_PORT} },
            { "transport": "tcp", "address": "127.0.0.1", "port": {SIP_PORT} } ],
            "trusted": [ {TRUSTED} ], "unsolicited": { "startupWindowSeconds": 0 }, "digestAlgorithms": [ "MD5" ] },
          "store": { "sqlite": "{DB}" },
          "http": { "listen": "127.0.0.1:{HTTP_PORT}", "users": [ { "name": "admin", "password": "pw" } ] },
          "ami": { "listen": "127.0.0.1:{AMI_PORT}", "users": [ { "name": "admin", "secret": "pw", "write": true } ] },
          "endpoints": [
            { "id": "1001", "password": "secret1001", "mailboxes": [ "1001@default" ], "voicemailExtension": "*97", "contacts": [ {CONTACTS} ] },
            { "id": "1002", "password": "secret1002", "mailboxes": [ "1002@default", "1003@default" ] }
          ]
        }
        """;

    private static string Make(bool trusted, string contacts = "") =>
        Config.Replace("{TRUSTED}", trusted ? "\"127.0.0.0/8\"" : string.Empty, StringComparison.Ordinal)
              .Replace("{CONTACTS}", contacts, StringComparison.Ordinal);

    private static string Users(params string[] users)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("phones-inf-").FullName, "users.csv");
        var sb = new StringBuilder("SEQUENTIAL\n");
        foreach (var u in users)
        {
            sb.Append(u).Append(";127.0.0.1;\n");
        }

        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static async Task PutMailboxAsync(LanternProcess server, string id, int newMessages)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:pw")));
        var url = $"http://127.0.0.1:{server.HttpPort.ToString(CultureInfo.InvariantCulture)}/ari/mailboxes/{id}?newMessages={newMessages.ToString(CultureInfo.InvariantCulture)}&oldMessages=0";
        using var response = await http.PutAsync(new Uri(url), null);
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Subscribe_FromTrustedSource_SubscribeRefreshUnsubscribeCycles(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted: true));

        var result = await Sipp.RunClientAsync("phones_subscribe.xml", server.SipPort, transport, ["-inf", Users("1001", "1002", "5555%40sales")], calls: 3);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Subscribe_WithDigest_ChallengedThenServed(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted: false));

        var result = await Sipp.RunClientAsync("phones_auth_subscribe.xml", server.SipPort, transport, ["-inf", Users("1001"), "-au", "1001", "-ap", "secret1001"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("phones_423.xml", true, "")]
    [InlineData("phones_489.xml", true, "")]
    [InlineData("phones_403.xml", false, "1002")]
    public async Task Subscribe_Rejected_WithThePreciseStatus(string scenario, bool trusted, string user)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted));

        var result = await Sipp.RunClientAsync(scenario, server.SipPort, "udp", ["-inf", Users(user.Length > 0 ? user : "1001"), "-au", "1001", "-ap", "secret1001"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task RestUpdate_ReachesSubscriberAsNotifyWithNewCounts(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted: true));

        var result = await Sipp.RunClientAsync("phones_subscribe_update.xml", server.SipPort, transport,
            ["-inf", Users("1001"), "-key", "http_port", server.HttpPort.ToString(CultureInfo.InvariantCulture)]);

        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
    }

    [Fact]
    public async Task Restart_WithLiveSubscription_NotifiesAfterRestartAndDialogContinues()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        var first = await LanternProcess.StartAsync(Make(trusted: true));
        var flag = Path.Combine(first.Directory, "subscribed.flag");
        var run = Sipp.RunClientAsync("phones_subscribe_restart.xml", first.SipPort, "udp", ["-inf", Users("1001"), "-key", "flag", flag]);

        await WaitForFileAsync(flag, run);
        await first.KillAsync();
        await first.DisposeAsync();
        await using var second = await LanternProcess.StartAsync(Make(trusted: true), first.Directory, first.SipPort);

        var result = await run;
        Assert.True(result.ExitCode == 0, result + "\n" + second.Output);
    }

    [Fact]
    public async Task StaticContact_GetsUnsolicitedNotifyAtStartAndAfterAnUpdate()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        var uasPort = FreePorts.NextUdpAndTcp();
        var outDir = Directory.CreateTempSubdirectory("sipp-uas-").FullName;
        var uas = Sipp.RunAsync(
            [
                "-sf", Sipp.ScenarioPath("phones_unsolicited_uas.xml"), "-i", "127.0.0.1", "-p", uasPort.ToString(CultureInfo.InvariantCulture),
                "-t", "u1", "-m", "2", "-timeout", "30s", "-timeout_error", "-nostdin",
                "-trace_err", "-error_file", Path.Combine(outDir, "errors.log"), "-trace_msg", "-message_file", Path.Combine(outDir, "messages.log"),
            ],
            outDir,
            CancellationToken.None);
        await using var server = await LanternProcess.StartAsync(Make(trusted: false, contacts: $"\"sip:1001@127.0.0.1:{uasPort.ToString(CultureInfo.InvariantCulture)}\""));

        await PutMailboxAsync(server, "1001@default", 2);

        var result = await uas;
        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
        Assert.Contains("Messages-Waiting: yes\r\nMessage-Account: sip:*97@127.0.0.1\r\nVoice-Message: 2/0 (0/0)", result.Messages, StringComparison.Ordinal);
    }

    private static async Task WaitForFileAsync(string path, Task<SippResult> sipp)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(path))
        {
            if (sipp.IsCompleted)
            {
                Assert.Fail("sipp ended before subscribing: " + await sipp);
            }

            Assert.True(DateTime.UtcNow < deadline, "no subscription within 20 s");
            await Task.Delay(50);
        }
    }
}
