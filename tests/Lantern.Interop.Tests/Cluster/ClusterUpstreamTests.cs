using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Lantern.Interop.Tests.Infrastructure;
using Lantern.Interop.Tests.Infrastructure.Cluster;
using Lantern.Interop.Tests.Upstreams;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>One upstream subscription per cluster (issue 11 item 5): the node holding the PostgreSQL upstream lock runs
/// the upstreams, another takes them over when it dies, and a node stops quickly whether it holds them or not.</summary>
public sealed class ClusterUpstreamTests
{
    private const int FailoverMilliseconds = 500;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [ClusterFact]
    public async Task TwoNodes_ProviderSeesOneSubscription_KillHolder_OtherSubscribesWithinFailover_StopsQuickly()
    {
        Assert.True(Sipp.IsInstalled, "sipp is not installed (test.sh installs sip-tester)");
        var port = FreePorts.NextUdpAndTcp();
        var outDir = Directory.CreateTempSubdirectory("sipp-uas-cluster-").FullName;
        // Two calls: the first holder's subscription (its call ends on the scenario's 10 s wait after the holder is killed)
        // and the one the survivor makes after the takeover, ended by its unsubscribe on SIGTERM.
        var sipp = Sipp.RunAsync(
            [
                "-sf", Sipp.ScenarioPath("upstream_uas_cluster.xml"), "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
                "-t", "u1", "-m", "2", "-timeout", "40s", "-default_behaviors", "all,-bye", "-nostdin",
                "-trace_err", "-error_file", Path.Combine(outDir, "errors.log"),
                "-trace_msg", "-message_file", Path.Combine(outDir, "messages.log"),
            ],
            outDir,
            CancellationToken.None);
        var upstream = string.Create(CultureInfo.InvariantCulture, $$"""
            "upstreams": [ { "name": "prov", "user": "mwi", "host": "127.0.0.1", "port": {{port}}, "transport": "udp", "mailbox": "1001", "expires": 3600 } ]
            """);
        await using var cluster = await LanternCluster.StartAsync(
            2, upstream, storeSettings: string.Create(CultureInfo.InvariantCulture, $"\"upstreamFailoverMilliseconds\": {FailoverMilliseconds}"));

        var holder = await WaitForHolderAsync(cluster, except: null);
        var other = cluster[1 - holder.Index];
        await ClusterRest.WaitVoiceAsync(other, "1001@SIP_Remote", "3/0 (0/0)", Deadline);
        // The other node has had several chances to take the upstreams (one per failover interval) and must not have.
        await Task.Delay(4 * FailoverMilliseconds);
        Assert.Equal(0, await ActiveUpstreamsAsync(other));
        Assert.Equal(1, await ActiveUpstreamsAsync(holder));

        // A node that does not hold the upstreams stops at once and sends nothing to the provider.
        var (code, took) = await other.StopAsync();
        Assert.True(code == 0 && took < TimeSpan.FromSeconds(3), $"non-holder exit {code} after {took}\n{cluster.Describe()}");
        await other.StartAsync();

        var clock = Stopwatch.StartNew();
        await holder.KillAsync();
        var successor = await WaitForHolderAsync(cluster, except: holder);
        var failover = clock.Elapsed;
        Assert.True(failover < TimeSpan.FromMilliseconds(FailoverMilliseconds) + TimeSpan.FromSeconds(3), $"takeover after {failover}\n{cluster.Describe()}");

        // The holder unsubscribes on SIGTERM (decision 0008) and still exits within a few seconds.
        (code, took) = await successor.StopAsync();
        Assert.True(code == 0 && took < TimeSpan.FromSeconds(5), $"holder exit {code} after {took}\n{cluster.Describe()}");

        var result = await sipp;
        var subscribes = Regex.Matches(result.Messages, @"^SUBSCRIBE [^\n]*\n(?:[^\n]+\n)*?Call-ID: *([^\r\n]+)", RegexOptions.Multiline);
        var dialogs = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in subscribes)
        {
            dialogs.Add(m.Groups[1].Value);
        }

        Assert.True(dialogs.Count == 2, $"the provider saw {dialogs.Count} subscriptions (one per holder expected)\n{result}\n{cluster.Describe()}");
        Assert.Contains("Expires: 0", result.Messages, StringComparison.Ordinal);
        Console.WriteLine($"upstream takeover after kill -9: {failover.TotalMilliseconds:F0} ms (failover interval {FailoverMilliseconds} ms)");
    }

    private static async Task<ClusterNode> WaitForHolderAsync(LanternCluster cluster, ClusterNode? except)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            foreach (var node in cluster.Nodes)
            {
                if (node != except && node.IsRunning && await ActiveUpstreamsAsync(node) > 0)
                {
                    return node;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("no node ran the upstream\n" + cluster.Describe());
    }

    private static async Task<int> ActiveUpstreamsAsync(ClusterNode node)
    {
        var items = (await InteropHelpers.GetJsonAsync(node.Process, "/api/v1/upstreams"))!.Value.GetProperty("items");
        var active = 0;
        foreach (var item in items.EnumerateArray())
        {
            active += item.GetProperty("state").GetString() == "active" ? 1 : 0;
        }

        return active;
    }
}
