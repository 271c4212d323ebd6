using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lantern.Sip.Transport;
using static Lantern.Sip.Tests.Transport.TransportTestSupport;

namespace Lantern.Sip.Tests.Transport;

public sealed class SipTransportMetricsTests
{
    [Fact]
    public async Task Counters_MessagesAndFramingErrors_Recorded()
    {
        using var factory = new TestMeterFactory();
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (factory.Owns(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.Start();

        var receiver = new RecordingReceiver();
        var manager = new SipTransportManager(new SipTransportOptions { Listeners = [Listener(SipTransportKind.Udp), Listener(SipTransportKind.Tcp)] }, TimeProvider.System, meterFactory: factory);
        await using var _ = manager;
        await manager.StartAsync(receiver, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await udp.SendAsync(Message("metrics"), manager.EndPoint(SipTransportKind.Udp));
        await receiver.NextAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(manager.EndPoint(SipTransportKind.Tcp));
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("OPTIONS sip:x SIP/2.0\r\n\r\n"));
        await receiver.ClosedAsync();

        Assert.Equal(1, totals.GetValueOrDefault("lantern.sip.messages.received"));
        Assert.Equal(1, totals.GetValueOrDefault("lantern.sip.framing.errors"));
        Assert.Equal(1, totals.GetValueOrDefault("lantern.sip.connections.opened"));
        Assert.Equal(1, totals.GetValueOrDefault("lantern.sip.connections.closed"));
    }

    [Fact]
    public async Task Udp_DatagramOverTheLimit_DroppedAndCounted()
    {
        using var factory = new TestMeterFactory();
        var oversized = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (factory.Owns(instrument.Meter) && instrument.Name == "lantern.sip.udp.oversized")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref oversized, value));
        listener.Start();

        var receiver = new RecordingReceiver();
        var options = new SipTransportOptions { Listeners = [Listener(SipTransportKind.Udp)], Limits = new Lantern.Sip.Messages.SipFramerLimits { MaxMessageBytes = 1000 } };
        var manager = new SipTransportManager(options, TimeProvider.System, meterFactory: factory);
        await using var _ = manager;
        await manager.StartAsync(receiver, CancellationToken.None);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        // The body's length is in Content-Length, so its digits count too: "0" there, three digits here.
        var atLimit = Message("at-limit", new string('a', 1000 - Message("at-limit").Length - 2));
        Assert.Equal(1000, atLimit.Length);
        await udp.SendAsync(Message("too-large", new string('b', 1000)), manager.EndPoint(SipTransportKind.Udp));
        await udp.SendAsync(atLimit, manager.EndPoint(SipTransportKind.Udp));

        // Datagrams from one sender on loopback arrive in order: the first one handed up must be the one at the limit.
        var (text, _) = await receiver.NextAsync();
        Assert.Contains("sip:at-limit@", text, StringComparison.Ordinal);
        Assert.Equal(1, Interlocked.Read(ref oversized));
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public bool Owns(Meter meter)
        {
            lock (_meters)
            {
                return _meters.Contains(meter);
            }
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
