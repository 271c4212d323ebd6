using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Import;

/// <summary><c>lantern import asterisk</c> on an Asterisk's sip.conf, manager.conf and http.conf, then <c>lantern serve</c> on
/// the output while that "Asterisk" (sockets on the ports its files name) still holds its ports: Lantern starts and answers.</summary>
public sealed class ImportNextToAsteriskTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ImportThenServe_AsteriskHoldsItsPorts_LanternStartsAndAnswersOnItsOwn()
    {
        var directory = Directory.CreateTempSubdirectory("lantern-interop-import-").FullName;
        var (sip, ami, http) = PickAsteriskPorts();
        using var asteriskUdp = Hold(SocketType.Dgram, ProtocolType.Udp, sip);
        using var asteriskTcp = Hold(SocketType.Stream, ProtocolType.Tcp, sip);
        using var asteriskAmi = Hold(SocketType.Stream, ProtocolType.Tcp, ami);
        using var asteriskHttp = Hold(SocketType.Stream, ProtocolType.Tcp, http);
        var sipConf = Write(directory, "sip.conf", $"""
            [general]
            context=default
            allowguest=no
            udpbindaddr=127.0.0.1:{sip}
            tcpenable=yes
            tcpbindaddr=127.0.0.1:{sip}
            fromdomain=pbx.example.org
            vmexten=*97
            allowsubscribe=yes

            [phone](!)
            type=friend
            host=dynamic
            context=internal
            disallow=all
            allow=ulaw

            [1001](phone)
            secret=secret1001
            mailbox=1001@default
            callerid="Alice" <1001>
            """);
        var managerConf = Write(directory, "manager.conf", $"""
            [general]
            enabled=yes
            port={ami}
            bindaddr=127.0.0.1

            [admin]
            secret=amisecret
            read=all
            write=all
            """);
        var httpConf = Write(directory, "http.conf", $"""
            [general]
            enabled=yes
            bindaddr=127.0.0.1
            bindport={http}
            """);
        var output = Path.Combine(directory, "lantern.json");

        var (exit, report, error) = await LanternCli.RunAsync(directory, Deadline,
            "import", "asterisk", "--sip-conf", sipConf, "--manager-conf", managerConf, "--http-conf", httpConf, "--out", output);
        Assert.True(exit == 0, report + error);

        var json = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.Equal("pbx.example.org", json["sip"]!["domain"]!.GetValue<string>());
        var lanternSip = json["sip"]!["listen"]![0]!["port"]!.GetValue<int>();
        var lanternHttp = IPEndPoint.Parse(json["http"]!["listen"]!.GetValue<string>());
        var lanternAmi = IPEndPoint.Parse(json["ami"]!["listen"]!.GetValue<string>());
        Assert.Contains($"(Asterisk keeps {sip}", report, StringComparison.Ordinal);
        Assert.Contains($"Asterisk's AMI port {ami}: manager.conf port={ami}", report, StringComparison.Ordinal);
        Assert.Contains($"Asterisk's HTTP port {http}: http.conf bindport={http}", report, StringComparison.Ordinal);

        // Serve the file as written (the import chose every port), with Asterisk's sockets still bound. sipp answers only
        // the first digest challenge and knows no SHA-256, so MD5 alone is offered to it.
        json["sip"]!["digestAlgorithms"] = new JsonArray("MD5");
        await using var server = await LanternProcess.StartAsync(json.ToJsonString(), directory);

        Assert.StartsWith("SIP/2.0 200 ", await OptionsAsync(lanternSip), StringComparison.Ordinal);
        using (var client = new HttpClient())
        {
            var health = await client.GetAsync(new Uri($"http://{lanternHttp}/healthz"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // The phone sees Message-Account at the domain the import took from fromdomain.
        Assert.True(Sipp.IsInstalled, "sipp is not installed");
        var users = Write(directory, "users.csv", "SEQUENTIAL\n1001;127.0.0.1;\n");
        var subscribe = await Sipp.RunClientAsync("import_message_account.xml", lanternSip, "udp", ["-inf", users, "-au", "1001", "-ap", "secret1001", "-auth_uri", "1001@127.0.0.1"]);
        Assert.True(subscribe.ExitCode == 0, subscribe + "\n" + server.Output);

        using var amiClient = new TcpClient();
        await amiClient.ConnectAsync(lanternAmi.Address, lanternAmi.Port);
        using var reader = new StreamReader(amiClient.GetStream(), Encoding.ASCII);
        using var timeout = new CancellationTokenSource(Deadline);
        Assert.StartsWith("Asterisk Call Manager/", await reader.ReadLineAsync(timeout.Token), StringComparison.Ordinal);
    }

    /// <summary>Free loopback ports for Asterisk's SIP, AMI and HTTP whose Lantern counterparts (SIP +20, AMI +10, HTTP +2)
    /// are free too at the moment of asking.</summary>
    private static (int Sip, int Ami, int Http) PickAsteriskPorts()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var sip = FreePorts.NextUdpAndTcp();
            var ami = FreePorts.NextTcp();
            var http = FreePorts.NextTcp();
            int[] all = [sip, sip + 20, ami, ami + 1, ami + 10, http, http + 1, http + 2];
            if (all.Distinct().Count() == all.Length && IsFree(sip + 20, udp: true) && IsFree(ami + 10, udp: false) && IsFree(http + 2, udp: false))
            {
                return (sip, ami, http);
            }
        }

        throw new InvalidOperationException("no free loopback ports for an Asterisk and a Lantern side by side");
    }

    private static bool IsFree(int port, bool udp)
    {
        try
        {
            Hold(SocketType.Stream, ProtocolType.Tcp, port).Dispose();
            if (udp)
            {
                Hold(SocketType.Dgram, ProtocolType.Udp, port).Dispose();
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Socket Hold(SocketType type, ProtocolType protocol, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            if (type == SocketType.Stream)
            {
                socket.Listen(1);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Write(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<string> OptionsAsync(int port)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.Client.LocalEndPoint!;
        var request = $"OPTIONS sip:127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} SIP/2.0\r\n"
            + $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port.ToString(CultureInfo.InvariantCulture)};branch=z9hG4bKimport1\r\n"
            + "From: <sip:probe@127.0.0.1>;tag=probe1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: import-next-to-asterisk\r\nCSeq: 1 OPTIONS\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(request);

        // UDP may drop a datagram: resend every 500 ms (as Timer E would), at most 10 times.
        for (var i = 0; i < 10; i++)
        {
            await udp.SendAsync(bytes, new IPEndPoint(IPAddress.Loopback, port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                var answer = await udp.ReceiveAsync(wait.Token);
                return Encoding.ASCII.GetString(answer.Buffer);
            }
            catch (OperationCanceledException)
            {
                // Not answered yet; send again.
            }
        }

        throw new TimeoutException("no answer to OPTIONS on UDP port " + port.ToString(CultureInfo.InvariantCulture));
    }
}
