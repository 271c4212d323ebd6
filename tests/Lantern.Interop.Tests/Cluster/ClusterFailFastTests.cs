using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Lantern.Interop.Tests.Infrastructure.Cluster;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>Failing fast on a frozen database (issue 11 item 7): writes get 503 within the command timeout, /readyz answers
/// within a second and names the store, and everything works again once the database thaws.</summary>
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
            // Default store.commandTimeoutSeconds is 2; the answer must not wait for Npgsql's 30 s (today ~6 s: the
            // command's timeout and the connection's teardown each take one timeout; see the report).
            Assert.True(writeTook < TimeSpan.FromSeconds(8), $"a write on a frozen database took {writeTook}");

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
}
