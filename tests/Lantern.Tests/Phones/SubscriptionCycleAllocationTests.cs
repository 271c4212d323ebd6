using Xunit.Abstractions;

namespace Lantern.Tests.Phones;

/// <summary>Bytes Lantern allocates per subscribe-refresh-unsubscribe cycle through its whole path (SIP stack, SubscribeHandler,
/// SubscriptionManager, PhoneRecordWriter, the SQLite store, SipMwiNotifySender): issue 13, "cost per cycle". Counted over
/// every thread, so it runs alone.</summary>
[Collection(MemoryMeasurementGroup.Name)]
public sealed class SubscriptionCycleAllocationTests(ITestOutputHelper output)
{
    private const int Warm = 1_000;
    private const int Measured = 1_000;

    /// <summary>Bytes per cycle allowed; the measured figure is in docs/performance.md.</summary>
    private const int CycleBound = 18_000;

    [Fact]
    public async Task SubscribeRefreshUnsubscribeCycle_AllocatesWithinBound()
    {
        await using var rig = await SubscriptionCycleRig.StartAsync();
        rig.Run(Warm);
        var (bytes, cpu) = rig.Measure(Measured);
        output.WriteLine($"lantern: {bytes:F0} bytes and {cpu:F0} µs of process CPU per cycle (3 requests, 3 NOTIFYs, 3 records written)");
        Assert.Equal(0, rig.Subscriptions);
        Assert.True(bytes <= CycleBound, $"{bytes:F0} bytes per cycle, bound {CycleBound}");
    }
}
