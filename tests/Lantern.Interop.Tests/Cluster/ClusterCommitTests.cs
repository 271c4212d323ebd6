using System.Net;
using Lantern.Interop.Tests.Infrastructure.Cluster;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>A lost COMMIT reply (issue 11 item 3): the node resolves the uncertain commit on the stored row and never
/// wedges the mailbox.</summary>
public sealed class ClusterCommitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [ClusterFact]
    public async Task CommitReplyLost_WriteWasStored_AnsweredSuccess_LaterWritesAndPhonesFollowTheStore()
    {
        await using var cluster = await LanternCluster.StartAsync(
            2, "\"endpoints\": [ " + ClusterPhone.Endpoint("1001", "1001@default") + " ]", proxied: true);
        var a = cluster[0];
        var put = await ClusterRest.PutVoiceAsync(a, "1001@default", 1, 0);
        Assert.True(put.Status == HttpStatusCode.OK, put.Body);
        await using var phone = await ClusterPhone.SubscribeAsync(a.SipPort, "1001");
        await phone.WaitVoiceAsync("1/0 (0/0)", Deadline);

        var dropped = a.Proxy!.DropNextCommitReply();
        var uncertain = await ClusterRest.PutVoiceAsync(a, "1001@default", 2, 0);
        Assert.True(dropped.IsCompleted, "the proxy never saw the COMMIT reply\n" + cluster.Describe());
        // It was written (the proxy let the COMMIT through and only cut its reply): the answer must say so.
        Assert.True(uncertain.Status == HttpStatusCode.OK, $"{uncertain.Status} {uncertain.Body}\n{cluster.Describe()}");
        Assert.Equal("2/0 (0/0)", await ClusterRest.VoiceAsync(a, "1001@default"));
        await ClusterRest.WaitVoiceAsync(cluster[1], "1001@default", "2/0 (0/0)", Deadline);
        await phone.WaitVoiceAsync("2/0 (0/0)", Deadline);

        // Not wedged: the next writes on both nodes succeed and A's phone follows them.
        var next = await ClusterRest.PutVoiceAsync(a, "1001@default", 3, 0);
        Assert.True(next.Status == HttpStatusCode.OK, $"{next.Status} {next.Body}");
        var onB = await ClusterRest.PutVoiceAsync(cluster[1], "1001@default", 4, 1);
        Assert.True(onB.Status == HttpStatusCode.OK, $"{onB.Status} {onB.Body}");
        await phone.WaitVoiceAsync("4/1 (0/0)", Deadline);
        var again = await ClusterRest.PatchVoiceAsync(a, "1001@default", 1);
        Assert.True(again.Status == HttpStatusCode.OK, $"{again.Status} {again.Body}");
        await phone.WaitVoiceAsync("5/1 (0/0)", Deadline);
        Assert.Equal("5/1 (0/0)", await ClusterRest.VoiceAsync(a, "1001@default"));
    }
}
