using System.Diagnostics.Metrics;
using Lantern.Mailboxes;
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
}
