using System.Diagnostics.Metrics;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Mailboxes;

public sealed class MailboxMetricsTests
{
    [Fact]
    public async Task Writes_CountedByStatusAndCommitTimed()
    {
        using var service = new MailboxService(new InMemoryMailboxRepository(), new FakeTimeProvider());
        await service.LoadAsync(CancellationToken.None);
        var writes = new Dictionary<string, long>();
        var commits = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, service.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "lantern.mailbox.writes")
            {
                var status = (string)tags[0].Value!;
                writes[status] = writes.GetValueOrDefault(status) + value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => commits += instrument.Name == "lantern.store.commit.duration" ? 1 : 0);
        listener.Start();
        var id = MailboxId.Parse("1001");
        var update = MailboxUpdate.SetClass(MessageClass.Voice, 1, 0, 0, 0);

        await service.UpdateAsync(id, MailboxSource.Api, update, null, CancellationToken.None);
        await service.UpdateAsync(id, MailboxSource.Api, update, null, CancellationToken.None);
        await service.UpdateAsync(id, MailboxSource.Peer("x"), update, null, CancellationToken.None);

        Assert.Equal(new Dictionary<string, long> { ["changed"] = 1, ["unchanged"] = 1, ["ownedbyother"] = 1 }, writes);
        Assert.Equal(1, commits);
    }

    [Fact]
    public void MeterFactory_EachServiceGetsItsFactorysMeter()
    {
        using var first = new TestMeterFactory();
        using var second = new TestMeterFactory();
        using var a = new MailboxService(new InMemoryMailboxRepository(), new FakeTimeProvider(), null, first);
        using var b = new MailboxService(new InMemoryMailboxRepository(), new FakeTimeProvider(), null, second);
        Assert.Same(first, a.Metrics.Meter.Scope);
        Assert.Same(second, b.Metrics.Meter.Scope);
        Assert.NotSame(a.Metrics.Meter, b.Metrics.Meter);
        Assert.Equal(MailboxMetrics.MeterName, a.Metrics.Meter.Name);
    }

    [Fact]
    public void MeterFactory_ServiceDisposed_FactoryMeterLeftToTheFactory()
    {
        using var factory = new TestMeterFactory();
        var service = new MailboxService(new InMemoryMailboxRepository(), new FakeTimeProvider(), null, factory);
        var meter = service.Metrics.Meter;
        service.Dispose();

        // A disposed meter's instruments are no longer published to new listeners.
        var published = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) => published += ReferenceEquals(instrument.Meter, meter) ? 1 : 0;
        listener.Start();
        Assert.True(published > 0);
    }

    [Fact]
    public async Task AddLanternStorage_WithHostMetrics_MailboxMeterFromHostFactory()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lantern-meter-{Guid.NewGuid():N}.db");
        try
        {
            var services = new ServiceCollection().AddMetrics();
            services.AddLanternStorage(new StoreOptions { Sqlite = path });
            await using var provider = services.BuildServiceProvider();
            var service = provider.GetRequiredService<MailboxService>();
            Assert.Same(provider.GetRequiredService<IMeterFactory>(), service.Metrics.Meter.Scope);
        }
        finally
        {
            foreach (var suffix in (string[])["", "-wal", "-shm"])
            {
                File.Delete(path + suffix);
            }
        }
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
