using System.Globalization;
using System.Net;
using System.Text.Json;
using Lantern.Interop.Tests.Infrastructure.Cluster;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>SSE change ids are cluster-wide (issue 11 item 6, decision 0039): a client moves from one node to another with
/// <c>Last-Event-ID</c> and misses nothing.</summary>
public sealed class ClusterEventStreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [ClusterFact]
    public async Task LastEventIdOfNodeA_ResumedOnNodeB_MissedChangesInOrderWithoutResync_ThenLive()
    {
        await using var cluster = await LanternCluster.StartAsync(2);
        var (a, b) = (cluster[0], cluster[1]);
        await using var watchB = await ClusterEventStream.OpenAsync(b);

        SseEvent taken;
        await using (var onA = await ClusterEventStream.OpenAsync(a))
        {
            await PutAsync(a, "1000@default", 1, 0);
            taken = await onA.WaitForAsync("1000@default", Voice(1, 0), Deadline);
        }

        // Every node publishes a change under the id its commit drew.
        var sameOnB = await watchB.WaitForAsync("1000@default", Voice(1, 0), Deadline);
        Assert.True(taken.Id == sameOnB.Id, $"A published the change as {taken.Id}, B as {sameOnB.Id}\n{cluster.Describe()}");

        // Missed while the client was away, written on the other node.
        await PutAsync(b, "1001@default", 2, 0);
        await PutAsync(b, "1002@default", 3, 0);
        await PutAsync(b, "1000@default", 4, 1);

        await using var onB = await ClusterEventStream.OpenAsync(b, taken.Id);
        await onB.WaitForAsync("1000@default", Voice(4, 1), Deadline);
        Assert.False(onB.Seen.Exists(e => e.Type != "mailbox"), "unexpected event: " + string.Join('\n', onB.Seen));

        // The missed changes, in order; before them at most changes the client already had (the reorder window replays
        // what arrived shortly before them again).
        var missed = onB.Seen.FindAll(e => e.ChangeId > taken.ChangeId);
        Assert.Equal(["1001@default 2/0", "1002@default 3/0", "1000@default 4/1"], missed.ConvertAll(Describe));
        Assert.True(missed[0].ChangeId < missed[1].ChangeId && missed[1].ChangeId < missed[2].ChangeId, string.Join('\n', missed));
        var before = onB.Seen.GetRange(0, onB.Seen.IndexOf(missed[0]));
        Assert.True(before.TrueForAll(e => e.ChangeId <= taken.ChangeId), string.Join('\n', onB.Seen));

        // Then the live stream, with changes from either node.
        await PutAsync(a, "1003@default", 5, 0);
        await onB.WaitForAsync("1003@default", Voice(5, 0), Deadline);
        await PutAsync(b, "1001@default", 6, 0);
        var live = await onB.WaitForAsync("1001@default", Voice(6, 0), Deadline);
        Assert.True(live.ChangeId > missed[2].ChangeId, string.Join('\n', onB.Seen));
    }

    private static async Task PutAsync(ClusterNode node, string id, int newCount, int oldCount)
    {
        var put = await ClusterRest.PutVoiceAsync(node, id, newCount, oldCount);
        Assert.True(put.Status == HttpStatusCode.OK, $"PUT {id} on node {node.Index}: {put.Status} {put.Body}");
    }

    private static string Voice(int newCount, int oldCount) =>
        string.Create(CultureInfo.InvariantCulture, $"\"voice\":{{\"new\":{newCount},\"old\":{oldCount},");

    private static string Describe(SseEvent e)
    {
        using var data = JsonDocument.Parse(e.Data);
        var voice = data.RootElement.GetProperty("counts").GetProperty("voice");
        return string.Create(CultureInfo.InvariantCulture,
            $"{data.RootElement.GetProperty("id").GetString()} {voice.GetProperty("new").GetInt32()}/{voice.GetProperty("old").GetInt32()}");
    }
}
