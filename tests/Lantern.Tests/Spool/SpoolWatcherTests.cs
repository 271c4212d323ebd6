using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Spool;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Spool;

public sealed class SpoolWatcherTests
{
    private static readonly MailboxId Box = MailboxId.Parse("1001@default");

    [Fact]
    public async Task Start_CountsTheTree_AsOwnerSpool()
    {
        using var spool = new SpoolTree();
        spool.Leave("default", "1001", "INBOX", 0);
        spool.Leave("sales", "2000", "Old", 0);
        var mailboxes = MailboxService.InMemory();
        await using var watcher = new SpoolWatcher(Options(spool), mailboxes, TimeProvider.System, NullLogger.Instance, watchFiles: false);

        await watcher.StartAsync(CancellationToken.None);

        var box = mailboxes.Find(Box)!;
        Assert.Equal(new MessageCounts(1, 0, 0, 0), box.Counts.Voice);
        Assert.Equal("spool:vm", box.Source.ToString());
        Assert.Equal(new MessageCounts(0, 1, 0, 0), mailboxes.Find(MailboxId.Parse("2000@sales"))!.Counts.Voice);
    }

    [Fact]
    public async Task MissedEvents_TheNextRescanCorrects_AndDeletesGoneMailboxes()
    {
        using var spool = new SpoolTree();
        spool.Leave("default", "1001", "INBOX", 0);
        spool.Leave("default", "1002", "INBOX", 0);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var mailboxes = MailboxService.InMemory(time);
        await using var watcher = new SpoolWatcher(Options(spool), mailboxes, time, NullLogger.Instance, watchFiles: false);
        await watcher.StartAsync(CancellationToken.None);

        // No notification arrives (as when inotify's queue overflowed): the listen, an urgent message and a removed mailbox.
        spool.Move("default", "1001", "INBOX", 0, "Old", 0);
        spool.Leave("default", "1001", "Urgent", 0);
        Directory.Delete(spool.MailboxFolder("default", "1002"), recursive: true);
        Assert.Equal(new MessageCounts(1, 0, 0, 0), mailboxes.Find(Box)!.Counts.Voice);

        time.Advance(TimeSpan.FromSeconds(30));

        await WaitForAsync(() => mailboxes.Find(Box)?.Counts.Voice == new MessageCounts(1, 1, 1, 0) && mailboxes.Find(MailboxId.Parse("1002@default")) is null);
    }

    [Fact]
    public async Task FileEvents_UpdateWithinTheDebounce_LeaveMoveDeleteUrgent()
    {
        using var spool = new SpoolTree();
        Directory.CreateDirectory(Path.Combine(spool.MailboxFolder("default", "1001"), "INBOX"));
        var mailboxes = MailboxService.InMemory();
        var options = Options(spool);
        options.RescanSeconds = 3600;
        await using var watcher = new SpoolWatcher(options, mailboxes, TimeProvider.System, NullLogger.Instance);
        await watcher.StartAsync(CancellationToken.None);
        Assert.Equal(MessageCounts.Zero, mailboxes.Find(Box)!.Counts.Voice);

        spool.Leave("default", "1001", "INBOX", 0);
        await WaitForAsync(() => mailboxes.Find(Box)!.Counts.Voice == new MessageCounts(1, 0, 0, 0));
        var version = mailboxes.Find(Box)!.Version;

        spool.Move("default", "1001", "INBOX", 0, "Old", 0);
        await WaitForAsync(() => mailboxes.Find(Box)!.Counts.Voice == new MessageCounts(0, 1, 0, 0));

        spool.Leave("default", "1001", "Urgent", 0);
        await WaitForAsync(() => mailboxes.Find(Box)!.Counts.Voice == new MessageCounts(1, 1, 1, 0));

        spool.Delete("default", "1001", "Old", 0);
        await WaitForAsync(() => mailboxes.Find(Box)!.Counts.Voice == new MessageCounts(1, 0, 1, 0));

        // One write per change: the media files and the moves of single files gave no versions of their own.
        Assert.Equal(version + 3, mailboxes.Find(Box)!.Version);

        Directory.Delete(spool.MailboxFolder("default", "1001"), recursive: true);
        await WaitForAsync(() => mailboxes.Find(Box) is null);
    }

    [Fact]
    public async Task MailboxOwnedByAnotherSource_IsLeftAlone()
    {
        using var spool = new SpoolTree();
        spool.Leave("default", "1001", "INBOX", 0);
        var mailboxes = MailboxService.InMemory();
        await mailboxes.UpdateAsync(Box, MailboxSource.Api, MailboxUpdate.Replace(new MailboxCounts(new MessageCounts(5, 0, 0, 0))), null, CancellationToken.None);
        await using var watcher = new SpoolWatcher(Options(spool), mailboxes, TimeProvider.System, NullLogger.Instance, watchFiles: false);

        await watcher.StartAsync(CancellationToken.None);

        Assert.Equal(5, mailboxes.Find(Box)!.Counts.Voice.New);
        Assert.Equal(MailboxSource.Api, mailboxes.Find(Box)!.Source);
    }

    private static SpoolOptions Options(SpoolTree spool) => new() { Name = "vm", Path = spool.Root, RescanSeconds = 30, DebounceMilliseconds = 100 };

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}
