using System.Diagnostics.Metrics;
using Lantern.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Sip.Tests.Stack;

public sealed class SipStackMetricsTests
{
    [Fact]
    public void DroppedMessage_PublishedOnMeter()
    {
        using var factory = new TestMeterFactory();
        var time = new FakeTimeProvider();
        using var stack = new SipStack(new InMemorySipTransport(time), time, new SipStackOptions { Shards = 1 }, NullLogger.Instance, factory);
        stack.OnMessage("garbage"u8, new Lantern.Sip.Transport.SipSource(Lantern.Sip.Transport.SipTransportKind.Udp, SipStackHarness.Phone, InMemorySipTransport.LocalEndPoint, 0));
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Lantern.Sip")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(1, values["lantern.sip.dropped"]);
        Assert.Equal(0, values["lantern.sip.overloaded"]);
    }

    private sealed class TestMeterFactory : IMeterFactory
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
