using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Lantern.Tests.Ami;

public sealed class AmiMetricsTests
{
    [Fact]
    public async Task Actions_AndSessions_AreMeasured()
    {
        using var factory = new ScopedMeterFactory();
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += $"|{tag.Key}={tag.Value}";
            }

            totals.AddOrUpdate(key, value, (_, v) => v + value);
        });
        listener.Start();

        await using var host = await AmiTestHost.StartAsync(meterFactory: factory);
        await using (var client = await host.LoginAsync(events: false))
        {
            await client.ActionAsync("Action: Ping");
            await client.ActionAsync("Action: MWIUpdate", "Mailbox: 1001", "NewMessages: -1");
            Assert.Equal(1, totals.GetValueOrDefault("lantern.ami.sessions"));
        }

        Assert.Equal(1, totals.GetValueOrDefault("lantern.ami.actions|action=Ping|result=success"));
        Assert.Equal(1, totals.GetValueOrDefault("lantern.ami.actions|action=MWIUpdate|result=error"));
        Assert.Equal(1, totals.GetValueOrDefault("lantern.ami.actions|action=Login|result=success"));
    }

    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var m in _meters)
            {
                m.Dispose();
            }
        }
    }
}
