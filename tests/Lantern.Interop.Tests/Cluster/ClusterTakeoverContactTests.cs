using System.Globalization;
using System.Net;
using Lantern.Interop.Tests.Infrastructure.Cluster;
using Xunit.Abstractions;

namespace Lantern.Interop.Tests.Cluster;

/// <summary>After a takeover the new owner advertises its own Contact in the dialog (decision 0041), so a phone with no proxy
/// in front sends its next in-dialog request to a live node instead of the dead one.</summary>
public sealed class ClusterTakeoverContactTests
{
    private const int LeaseMilliseconds = 1500;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly ITestOutputHelper _output;

    public ClusterTakeoverContactTests(ITestOutputHelper output) => _output = output;

    [ClusterFact]
    public async Task KillNine_Owner_SurvivorsNotifyCarriesItsOwnContact_AndTheRefreshSentThereGets200FromIt()
    {
        await using var cluster = await LanternCluster.StartAsync(
            2, "\"endpoints\": [ " + ClusterPhone.Endpoint("1001", "1001@default") + " ]",
            storeSettings: string.Create(CultureInfo.InvariantCulture, $"\"leaseMilliseconds\": {LeaseMilliseconds}"));
        var (a, b) = (cluster[0], cluster[1]);
        var put = await ClusterRest.PutVoiceAsync(a, "1001@default", 2, 0);
        Assert.True(put.Status == HttpStatusCode.OK, $"{put.Status} {put.Body}");
        await using var phone = await ClusterPhone.SubscribeAsync(a.SipPort, "1001");
        phone.FollowsTarget = true;
        try
        {
            await phone.WaitVoiceAsync("2/0 (0/0)", Deadline);
            Assert.Equal($"sip:127.0.0.1:{a.SipPort}", phone.Notifies.Last().Contact);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            await a.KillAsync();
            put = await ClusterRest.PutVoiceAsync(b, "1001@default", 5, 0);
            Assert.True(put.Status == HttpStatusCode.OK, $"{put.Status} {put.Body}");
            await phone.WaitVoiceAsync("5/0 (0/0)", Deadline);
            var takeover = clock.Elapsed;

            // Before: B kept A's Contact, the phone's refresh went to the dead node and got nothing.
            var fromB = phone.Notifies.Last();
            Assert.Equal(b.SipPort, fromB.FromPort);
            Assert.Equal($"sip:127.0.0.1:{b.SipPort}", fromB.Contact);
            Assert.Equal(b.SipPort, phone.TargetPort);

            var refreshed = await phone.RefreshAsync(600);
            Assert.Equal(200, refreshed.StatusCode);
            Assert.Contains($"127.0.0.1:{b.SipPort}", refreshed.ToString(), StringComparison.Ordinal);
            Assert.False(a.IsRunning);

            // The dialog is B's: the next change comes from B in the same dialog, CSeq still ascending.
            put = await ClusterRest.PutVoiceAsync(b, "1001@default", 1, 4);
            Assert.True(put.Status == HttpStatusCode.OK, $"{put.Status} {put.Body}");
            await phone.WaitVoiceAsync("1/4 (0/0)", Deadline);
            var last = phone.Notifies.Last();
            Assert.Equal((b.SipPort, phone.CallId), (last.FromPort, last.CallId));
            Assert.True(last.CSeq > fromB.CSeq, $"CSeq {last.CSeq} after {fromB.CSeq}");
            _output.WriteLine($"kill -9 to the survivor's NOTIFY with its own Contact: {takeover.TotalMilliseconds:F0} ms (lease {LeaseMilliseconds} ms)");
        }
        catch
        {
            _output.WriteLine(cluster.Describe());
            throw;
        }
    }
}
