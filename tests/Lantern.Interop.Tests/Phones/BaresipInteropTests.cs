using System.Globalization;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Phones;

/// <summary>baresip 1.0 (Debian 12, libre 1.x) as a real phone against the built server. Its libre gives up on a whole 401 when
/// any <c>WWW-Authenticate</c> is not MD5 (<c>Register: Function not implemented</c>), so these tests fail if SHA-256 is
/// challenged by default (decision 0007).</summary>
public sealed class BaresipInteropTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    /// <summary>The issue's "done means": examples/lantern.json as shipped (ports and database moved), baresip with its defaults
    /// (mwi is on unless <c>mwi=no</c>) registers, subscribes, and prints the lamp after a REST change.</summary>
    [Fact]
    public async Task ShippedExample_Baresip_RegistersSubscribesAndLightsItsLampAfterRestChange()
    {
        Assert.True(BaresipProcess.IsInstalled, "baresip is not installed (test.sh installs baresip-core)");
        var config = TestConfigs.ShippedExample();
        Assert.DoesNotContain("digestAlgorithms", config, StringComparison.Ordinal);
        await using var server = await LanternProcess.StartAsync(config);
        await using var phone = BaresipProcess.Start(Account(server, "1001", "demo1001"));
        using var deadline = new CancellationTokenSource(Deadline);

        await Step(phone, server, phone.WhenLine("[1 binding]"), "register", deadline.Token);
        await Step(phone, server, phone.WhenLines("----- MWI for sip:1001@", "Messages-Waiting: no"), "subscribe (first NOTIFY)", deadline.Token);

        await PutAsync(server, "1001@default", 1);

        await Step(phone, server, phone.WhenLines("----- MWI for sip:1001@", "Messages-Waiting: yes"), "lamp on after PUT", deadline.Token);
    }

    /// <summary>SHA-256 opted in for one endpoint only: baresip as that endpoint cannot register (its libre's limit, the reason for
    /// the default), while baresip as another endpoint of the same server still gets MD5 alone and its lamp.</summary>
    [Fact]
    public async Task Sha256OptInForOneEndpoint_BaresipElsewhereStillLightsItsLamp()
    {
        Assert.True(BaresipProcess.IsInstalled, "baresip is not installed (test.sh installs baresip-core)");
        var config = TestConfigs.ShippedExample().Replace(
            "{ \"id\": \"1002\",", "{ \"id\": \"1002\", \"digestAlgorithms\": [ \"SHA-256\", \"MD5\" ],", StringComparison.Ordinal);
        Assert.Contains("digestAlgorithms", config, StringComparison.Ordinal);
        await using var server = await LanternProcess.StartAsync(config);
        await using var optedIn = BaresipProcess.Start(Account(server, "1002", "demo1002"));
        await using var phone = BaresipProcess.Start(Account(server, "1001", "demo1001"));
        using var deadline = new CancellationTokenSource(Deadline);

        await Step(optedIn, server, optedIn.WhenLine("Register: Function not implemented"), "1002 refusing the SHA-256 challenge", deadline.Token, failOnRegisterError: false);
        await Step(phone, server, phone.WhenLines("----- MWI for sip:1001@", "Messages-Waiting: no"), "1001 subscribe (first NOTIFY)", deadline.Token);
        await PutAsync(server, "1001@default", 2);
        await Step(phone, server, phone.WhenLines("----- MWI for sip:1001@", "Messages-Waiting: yes"), "1001 lamp on after PUT", deadline.Token);
    }

    private static string Account(LanternProcess server, string user, string password) =>
        $"<sip:{user}@127.0.0.1:{server.SipPort.ToString(CultureInfo.InvariantCulture)}>;auth_pass={password}";

    /// <summary>Waits for one step; a registration error from baresip fails at once, with both processes' output.</summary>
    private static async Task Step(BaresipProcess phone, LanternProcess server, Task step, string what, CancellationToken deadline, bool failOnRegisterError = true)
    {
        var failed = failOnRegisterError ? phone.WhenLine("Register: ") : Task.Delay(Timeout.Infinite, deadline);
        try
        {
            var first = await Task.WhenAny(step, failed).WaitAsync(deadline);
            if (first == step)
            {
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below.
        }

        var why = deadline.IsCancellationRequested
            ? $"no {what} within {Deadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
            : $"registration failed before {what}";
        Assert.Fail($"baresip: {why} (\"mwi: subscribing\" printed {phone.Count("mwi: subscribing").ToString(CultureInfo.InvariantCulture)} times)\n" +
            $"--- baresip ---\n{phone.Output}\n--- lantern ---\n{server.Output}");
    }

    private static async Task PutAsync(LanternProcess server, string mailbox, int newMessages)
    {
        // The shipped example's REST user, not the test configurations' one.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort.ToString(CultureInfo.InvariantCulture)}/") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String("admin:admin-demo-password"u8));
        using var response = await http.PutAsync(
            new Uri($"ari/mailboxes/{mailbox}?newMessages={newMessages.ToString(CultureInfo.InvariantCulture)}&oldMessages=0", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, $"PUT {mailbox}: {(int)response.StatusCode}");
    }
}
