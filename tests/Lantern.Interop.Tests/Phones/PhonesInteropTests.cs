using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Sip.Auth;
using Lantern.Sip.Messages;
using static Lantern.Interop.Tests.Infrastructure.SipUdp;

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
            { "id": "1002", "password": "secret1002", "mailboxes": [ "1002@default", "1003@default" ] },
            { "id": "2000", "password": "secret2000", "mailboxes": [ "2000@default" ], "unsolicited": false }
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
        using var http = server.CreateAdminClient();
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

        var result = await Sipp.RunClientAsync("phones_auth_subscribe.xml", server.SipPort, transport, ["-inf", Users("1001"), "-au", "1001", "-ap", "secret1001", "-auth_uri", "1001@127.0.0.1"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task Register_WithDigest_BindsRejectsTooBriefAndUnbinds(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted: false));

        var result = await Sipp.RunClientAsync("phones_register.xml", server.SipPort, transport, ["-inf", Users("2000"), "-au", "2000", "-ap", "secret2000", "-auth_uri", "127.0.0.1"]);

        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
    }

    [Theory]
    [InlineData("phones_423.xml", true, "")]
    [InlineData("phones_489.xml", true, "")]
    [InlineData("phones_403.xml", false, "1002")]
    public async Task Subscribe_Rejected_WithThePreciseStatus(string scenario, bool trusted, string user)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted));

        // sipp's digest uri is remote_ip:remote_port unless told; Lantern requires the Request-URI, as phones send it.
        var target = user.Length > 0 ? user : "1001";
        var result = await Sipp.RunClientAsync(scenario, server.SipPort, "udp", ["-inf", Users(target), "-au", "1001", "-ap", "secret1001", "-auth_uri", target + "@127.0.0.1"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Subscribe_EndpointWithAllowSubscribeFalse_403ForItsOwnMailbox()
    {
        // chan_sip's allowsubscribe=no, as the importer maps it: the phone authenticates, then is refused.
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        var config = Make(trusted: false).Replace("\"voicemailExtension\": \"*97\",", "\"voicemailExtension\": \"*97\", \"allowSubscribe\": false,", StringComparison.Ordinal);
        Assert.Contains("allowSubscribe", config, StringComparison.Ordinal);
        await using var server = await LanternProcess.StartAsync(config);

        var result = await Sipp.RunClientAsync("phones_403.xml", server.SipPort, "udp", ["-inf", Users("1001"), "-au", "1001", "-ap", "secret1001", "-auth_uri", "1001@127.0.0.1"]);

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
        using var http = server.CreateAdminClient();
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("(?m)^lantern_notify_sent_total\\{kind=\"subscription\"\\} [1-9]", metrics);
        Assert.Matches("(?m)^lantern_sip_queued [0-9]+$", metrics);
        Assert.Matches("(?m)^lantern_phones_store_pending [0-9]+$", metrics);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task RestDelete_EndsSubscriptionWithNoresource(string transport)
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted: true));

        var result = await Sipp.RunClientAsync("phones_subscribe_delete.xml", server.SipPort, transport,
            ["-inf", Users("3000"), "-key", "http_port", server.HttpPort.ToString(CultureInfo.InvariantCulture)]);

        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
    }

    [Fact]
    public async Task Kill9RightAfterThe200_SubscriptionSurvives_NotifiesAfterRestartAndDialogContinues()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        var first = await LanternProcess.StartAsync(Make(trusted: true));
        var flag = Path.Combine(first.Directory, "subscribed.flag");
        var run = Sipp.RunClientAsync("phones_subscribe_restart.xml", first.SipPort, "udp", ["-inf", Users("1001"), "-key", "flag", flag]);

        // kill -9 as soon as the phone has its 200: an acknowledged subscription must already be stored.
        await WaitForFileAsync(flag, run);
        await first.KillAsync();
        await first.DisposeAsync();
        await using var second = await LanternProcess.StartAsync(Make(trusted: true), first.Directory, first.SipPort);

        var result = await run;
        Assert.True(result.ExitCode == 0, result + "\n" + second.Output);
    }

    /// <summary>The issue's "done means": examples/lantern.json as shipped (ports and database moved; its default MD5 challenge
    /// is one sipp can answer), a phone with its credentials, and the CLI's update.</summary>
    [Fact]
    public async Task ExampleConfig_AuthenticatedPhone_SeesTheLampAfterCliUpdate()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        var config = TestConfigs.ShippedExample();
        await using var server = await LanternProcess.StartAsync(config);
        var flag = Path.Combine(server.Directory, "subscribed.flag");
        var phone = Sipp.RunClientAsync("phones_example_cli.xml", server.SipPort, "udp",
            ["-inf", Users("1001"), "-au", "1001", "-ap", "demo1001", "-auth_uri", "1001@127.0.0.1", "-key", "flag", flag]);
        await WaitForFileAsync(flag, phone);

        var cli = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "lantern.dll"), "mwi", "update", "1001", "--new", "1",
            "--server", "http://127.0.0.1:" + server.HttpPort.ToString(CultureInfo.InvariantCulture), "--user", "admin", "--password", "admin-demo-password" })
        {
            cli.ArgumentList.Add(arg);
        }

        using var update = System.Diagnostics.Process.Start(cli)!;
        var output = await update.StandardOutput.ReadToEndAsync();
        var errors = await update.StandardError.ReadToEndAsync();
        await update.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(update.ExitCode == 0, $"lantern mwi update exited {update.ExitCode}: {output}{errors}");

        var result = await phone;
        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
        Assert.Contains("Messages-Waiting: yes\r\nMessage-Account: sip:*97@127.0.0.1\r\nVoice-Message: 1/0 (0/0)", result.Messages, StringComparison.Ordinal);
    }

    /// <summary>Issue 14: "send a NOTIFY now" from the CLI reaches a subscribed phone (sipp) with the current state, although
    /// nothing changed, and the CLI prints the phone's answer.</summary>
    [Fact]
    public async Task CliNotifyNow_SubscribedPhoneGetsTheCurrentStateAgain_AndTheOutcomeIsPrinted()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        await using var server = await LanternProcess.StartAsync(Make(trusted: true));
        await PutMailboxAsync(server, "2000@default", 2);
        var flag = Path.Combine(server.Directory, "subscribed.flag");
        var phone = Sipp.RunClientAsync("phones_subscribe_notify_now.xml", server.SipPort, "udp", ["-inf", Users("2000"), "-key", "flag", flag]);
        await WaitForFileAsync(flag, phone);

        var (code, output, error) = await LanternCli.RunAsync(server.Directory, TimeSpan.FromSeconds(60),
            "endpoints", "2000", "--notify", "--server", "http://127.0.0.1:" + server.HttpPort.ToString(CultureInfo.InvariantCulture), "--user", "admin", "--password", "pw");

        Assert.True(code == 0, $"lantern endpoints 2000 --notify exited {code}: {output}{error}");
        Assert.Matches(@"(?m)^Kind\s+Target\s+Result$", output);
        Assert.Matches(@"(?m)^subscription\s+\S+\s+200 OK$", output);
        var result = await phone;
        Assert.True(result.ExitCode == 0, result + "\n" + server.Output);
    }

    [Fact]
    public async Task CliNotifyNow_UnknownEndpointOrNobodyToNotify_ExitsNonZeroWithReason()
    {
        await using var server = await LanternProcess.StartAsync(Make(trusted: true));
        string[] login = ["--server", "http://127.0.0.1:" + server.HttpPort.ToString(CultureInfo.InvariantCulture), "--user", "admin", "--password", "pw"];

        var unknown = await LanternCli.RunAsync(server.Directory, TimeSpan.FromSeconds(60), ["endpoints", "nope", "--notify", .. login]);
        var idle = await LanternCli.RunAsync(server.Directory, TimeSpan.FromSeconds(60), ["endpoints", "2000", "--notify", .. login]);

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("endpoint \"nope\" is not configured", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(1, idle.ExitCode);
        Assert.Contains("has no live subscription and no contact to notify", idle.Error, StringComparison.Ordinal);
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

    [Fact]
    public async Task RegisteredPhone_GetsUnsolicitedNotifyOverItsFlowOnBindingAndAfterAnUpdate()
    {
        await using var server = await LanternProcess.StartAsync(Make(trusted: false));
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)phone.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        var lantern = new IPEndPoint(IPAddress.Loopback, server.SipPort);
        string Register(int cseq, string? authorization) =>
            $"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKreg{cseq};rport\r\n" +
            $"From: <sip:1001@127.0.0.1>;tag=phone1\r\nTo: <sip:1001@127.0.0.1>\r\nCall-ID: reg-{port}\r\nCSeq: {cseq} REGISTER\r\n" +
            $"Contact: <sip:1001@127.0.0.1:{port}>\r\nExpires: 600\r\nMax-Forwards: 70\r\n" +
            (authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n") + "Content-Length: 0\r\n\r\n";

        await SendAsync(phone, lantern, Register(1, null));
        var challenge = await ReceiveAsync(phone, m => m.IsResponse);
        Assert.Equal(401, challenge.StatusCode);
        Assert.True(DigestChallenge.TryParse(challenge.GetHeaders(SipHeaderId.WwwAuthenticate)[0], out var c, out var error), error);
        await SendAsync(phone, lantern, Register(2, DigestClient.CreateAuthorization(c!, "REGISTER", "sip:127.0.0.1", "1001", "secret1001")));
        // The binding's NOTIFY must not overtake the 200, which waits for the commit: a phone may refuse one that arrives first.
        var ok = await ReceiveAsync(phone, m => m.IsResponse || (m.IsRequest && m.Method == SipMethod.Notify));
        Assert.True(ok.IsResponse, "the unsolicited NOTIFY arrived before the REGISTER's 200");
        Assert.Equal(200, ok.StatusCode);

        var onBinding = await ReceiveAsync(phone, m => m.IsRequest && m.Method == SipMethod.Notify);
        Assert.Null(onBinding.ToTag);
        Assert.Equal("terminated", onBinding.GetHeader(SipHeaderId.SubscriptionState));
        await SendAsync(phone, lantern, SipMessageBuilder.ResponseTo(onBinding, 200).ToString());
        await PutMailboxAsync(server, "1001@default", 4);

        var onUpdate = await ReceiveAsync(phone, m => m.IsRequest && m.Method == SipMethod.Notify && m.CallId != onBinding.CallId);
        Assert.Equal("Messages-Waiting: yes\r\nMessage-Account: sip:*97@127.0.0.1\r\nVoice-Message: 4/0 (0/0)\r\n", Encoding.UTF8.GetString(onUpdate.Body.Span));
        await SendAsync(phone, lantern, SipMessageBuilder.ResponseTo(onUpdate, 200).ToString());
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
