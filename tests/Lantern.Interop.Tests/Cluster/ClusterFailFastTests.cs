using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Lantern.Interop.Tests.Infrastructure.Cluster;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>Failing fast on a frozen database (issue 11 item 7): writes get 503 within the command timeout, /readyz answers
/// within a second and names the store, and everything works again once the database thaws; a node started while the
/// database is down listens, is not ready, refuses what must be stored, and serves once the database is back.</summary>
public sealed class ClusterFailFastTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [ClusterFact]
    public async Task FrozenDatabase_Write503Quickly_ReadyzNamesStoreWithinOneSecond_ThawRecovers()
    {
        await using var cluster = await LanternCluster.StartAsync(2);
        var node = cluster[0];
        Assert.Equal(HttpStatusCode.OK, (await ClusterRest.PutVoiceAsync(node, "300@default", 1, 0)).Status);

        await cluster.Postgres.FreezeAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var put = await ClusterRest.PutVoiceAsync(node, "300@default", 2, 0, timeout: TimeSpan.FromSeconds(20));
            var writeTook = clock.Elapsed;
            Assert.True(put.Status == HttpStatusCode.ServiceUnavailable, $"{put.Status} {put.Body}");
            // Default store.commandTimeoutSeconds is 2: the answer is due after about that, not after Npgsql's cancel
            // request to the frozen server (two more connect timeouts: ~6 s in all before the fix).
            Assert.True(writeTook < TimeSpan.FromSeconds(2 + 1), $"a write on a frozen database took {writeTook}");

            clock.Restart();
            using var http = node.CreateAdminClient(TimeSpan.FromSeconds(20));
            using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
            var readyTook = clock.Elapsed;
            var body = await ready.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.True(readyTook < TimeSpan.FromSeconds(1), $"/readyz took {readyTook}");
            using var doc = JsonDocument.Parse(body);
            var checks = doc.RootElement.GetProperty("checks");
            Assert.Equal(JsonValueKind.Null, checks.GetProperty("listeners").ValueKind);
            Assert.Contains("did not answer", checks.GetProperty("store").GetString(), StringComparison.Ordinal);
            Console.WriteLine($"frozen database: PUT 503 after {writeTook.TotalMilliseconds:F0} ms, /readyz 503 after {readyTook.TotalMilliseconds:F0} ms");
        }
        finally
        {
            await cluster.Postgres.ThawAsync();
        }

        var clockAfter = Stopwatch.StartNew();
        while (true)
        {
            var put = await ClusterRest.PutVoiceAsync(node, "300@default", 3, 0);
            if (put.Status == HttpStatusCode.OK)
            {
                break;
            }

            Assert.True(clockAfter.Elapsed < Deadline, $"writes did not recover after the thaw: {put.Status} {put.Body}");
            await Task.Delay(100);
        }

        await ClusterRest.WaitVoiceAsync(cluster[1], "300@default", "3/0 (0/0)", Deadline);
    }

    [ClusterFact]
    public async Task FrozenDatabase_NewSubscribe503WithRetryAfterNaming_TheStore_Not200()
    {
        await using var cluster = await LanternCluster.StartAsync(1, "\"endpoints\": [ " + ClusterPhone.Endpoint("1001", "1001@default") + " ]");
        var node = cluster[0];

        await cluster.Postgres.FreezeAsync();
        Lantern.Sip.Messages.SipMessage answer;
        try
        {
            answer = await ClusterPhone.TrySubscribeAsync(node.SipPort, "1001");
        }
        finally
        {
            await cluster.Postgres.ThawAsync();
        }

        Assert.True(answer.StatusCode == 503, $"SUBSCRIBE during the freeze answered {answer.StatusCode} {answer.ReasonPhrase}");
        Assert.Equal("Subscription Store Unavailable", answer.ReasonPhrase);
        Assert.Equal("5", answer.GetHeader(Lantern.Sip.Messages.SipHeaderId.RetryAfter));

        // Once the database is back a SUBSCRIBE is stored and acknowledged again.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var again = await ClusterPhone.TrySubscribeAsync(node.SipPort, "1001");
            if (again.StatusCode == 200)
            {
                break;
            }

            Assert.True(clock.Elapsed < Deadline, $"SUBSCRIBE did not recover after the thaw: {again.StatusCode} {again.ReasonPhrase}");
            await Task.Delay(100);
        }
    }

    [ClusterFact]
    public async Task StartedWithDatabaseDown_ListensNotReady_Refuses503_ThenConnectsAndServes()
    {
        await using var cluster = await LanternCluster.StartAsync(0);
        var node = cluster.AddNode("\"endpoints\": [ " + ClusterPhone.Endpoint("1001", "400@default") + " ]");
        await cluster.Postgres.StopAsync();
        await node.StartAsync(waitReady: false);
        using var http = node.CreateAdminClient(TimeSpan.FromSeconds(5));
        await WaitStatusAsync(http, "/healthz", HttpStatusCode.OK, Deadline, node);
        Assert.True(node.IsRunning, node.Output);

        using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var doc = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            var checks = doc.RootElement.GetProperty("checks");
            Assert.Equal(JsonValueKind.Null, checks.GetProperty("listeners").ValueKind);
            Assert.Contains("is not connected yet", checks.GetProperty("store").GetString(), StringComparison.Ordinal);
        }

        using (var put = await http.PutAsync(
            new Uri("/api/v1/mailboxes/400%40default", UriKind.Relative),
            new StringContent("""{"voice":{"new":1,"old":0}}""", Encoding.UTF8, "application/json")))
        {
            var body = await put.Content.ReadAsStringAsync();
            Assert.True(put.StatusCode == HttpStatusCode.ServiceUnavailable, $"{put.StatusCode} {body}");
            Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
            Assert.Contains("store-unavailable", body, StringComparison.Ordinal);
            Assert.Contains("store", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var refused = await ClusterPhone.FirstAnswerAsync(node.SipPort, "1001");
        Assert.True(refused.StatusCode == 503, $"SUBSCRIBE without the store answered {refused.StatusCode} {refused.ReasonPhrase}");
        Assert.Equal("Subscription Store Unavailable", refused.ReasonPhrase);
        Assert.Equal("5", refused.GetHeader(Lantern.Sip.Messages.SipHeaderId.RetryAfter));

        // One line says so, and no stack trace.
        var said = 0;
        foreach (var line in node.Output.Split('\n'))
        {
            said += line.Contains("listening but not ready", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.True(said == 1, node.Output);
        Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal);

        var readyLine = node.Process.WatchOutput("Lantern ready");
        var clock = Stopwatch.StartNew();
        await cluster.Postgres.StartAgainAsync();
        await WaitStatusAsync(http, "/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(15), node);
        var becameReady = clock.Elapsed;
        await readyLine.WaitAsync(Deadline);

        Assert.Equal(HttpStatusCode.OK, (await ClusterRest.PutVoiceAsync(node, "400@default", 2, 0)).Status);
        await using var phone = await ClusterPhone.SubscribeAsync(node.SipPort, "1001");
        await phone.WaitVoiceAsync("2/0 (0/0)", Deadline);
        Assert.Equal(HttpStatusCode.OK, (await ClusterRest.PutVoiceAsync(node, "400@default", 3, 0)).Status);
        await phone.WaitVoiceAsync("3/0 (0/0)", Deadline);
        Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal);
        Console.WriteLine($"started without the database: ready {becameReady.TotalMilliseconds:F0} ms after PostgreSQL was started again");
    }

    private static async Task WaitStatusAsync(HttpClient http, string path, HttpStatusCode wanted, TimeSpan deadline, ClusterNode node)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < deadline)
        {
            Assert.True(node.IsRunning, "the node exited:\n" + node.Output);
            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                if (response.StatusCode == wanted)
                {
                    return;
                }

                last = $"{response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{path} never answered {wanted} within {deadline} (last: {last})\n{node.Output}");
    }
}
