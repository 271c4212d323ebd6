using Lantern.Mailboxes;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Mailboxes;

public sealed class MailboxChangeFeedTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static Mailbox Box(string id, long version, int newCount = 0) =>
        new(MailboxId.Parse(id), new MailboxCounts(new MessageCounts(newCount, 0, 0, 0)), version, MailboxSource.Api, Time);

    [Fact]
    public async Task ReadAsync_NothingPending_CompletesWhenAChangeIsPublished()
    {
        var feed = new MailboxChangeFeed();
        using var reader = feed.Subscribe();
        var read = reader.ReadAsync(CancellationToken.None).AsTask();
        Assert.False(read.IsCompleted);

        feed.Publish(MailboxChangeKind.Updated, Box("1", 1), Time);

        var change = await read.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, change.Sequence);
    }

    [Fact]
    public async Task Subscribe_Bounded_OverflowsAndDropsTheBacklogPastTheBound()
    {
        var feed = new MailboxChangeFeed();
        using var reader = feed.Subscribe(maxPending: 3);
        var overflowed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = reader.Overflowed.Register(() => overflowed.TrySetResult());
        for (var i = 0; i < 3; i++)
        {
            feed.Publish(MailboxChangeKind.Updated, Box($"{i}", 1), Time);
            feed.Publish(MailboxChangeKind.Updated, Box($"{i}", 2), Time);
        }

        // Repeated changes of one mailbox coalesce and do not count against the bound.
        Assert.False(reader.Overflowed.IsCancellationRequested);
        feed.Publish(MailboxChangeKind.Updated, Box("3", 1), Time);
        await overflowed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(reader.TryRead(out _));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceled()
    {
        var feed = new MailboxChangeFeed();
        using var reader = feed.Subscribe();
        using var cts = new CancellationTokenSource();
        var read = reader.ReadAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void TryRead_SeveralChangesOfOneMailbox_CoalescedToTheNewestInFirstDirtyOrder()
    {
        var feed = new MailboxChangeFeed();
        using var reader = feed.Subscribe();
        feed.Publish(MailboxChangeKind.Updated, Box("a", 1), Time);
        feed.Publish(MailboxChangeKind.Updated, Box("b", 1), Time);
        feed.Publish(MailboxChangeKind.Updated, Box("a", 2), Time);
        feed.Publish(MailboxChangeKind.Deleted, Box("a", 2), Time);

        Assert.True(reader.TryRead(out var first));
        Assert.True(reader.TryRead(out var second));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(("a@default", MailboxChangeKind.Deleted, 4L), (first.Mailbox.Id.ToString(), first.Kind, first.Sequence));
        Assert.Equal(("b@default", 2L), (second.Mailbox.Id.ToString(), second.Sequence));
    }

    [Fact]
    public void Publish_SlowReader_PendingBoundedByDistinctMailboxes()
    {
        var feed = new MailboxChangeFeed(replayCapacity: 100);
        using var reader = (MailboxChangeReader)feed.Subscribe();

        for (var i = 1; i <= 10_000; i++)
        {
            feed.Publish(MailboxChangeKind.Updated, Box($"{i % 10}", i), Time);
        }

        Assert.Equal(10, reader.Pending);
        Assert.Equal(10_000, feed.LastSequence);
    }

    [Fact]
    public void SequenceBase_IdsOfAnEarlierRun_ResumeAsIncomplete()
    {
        var feed = new MailboxChangeFeed(replayCapacity: 100, sequenceBase: 5_000);
        Assert.Equal(5_000, feed.LastSequence);
        Assert.Empty(feed.ReadSince(5_000, out var nothingMissed));
        Assert.True(nothingMissed);

        feed.Publish(MailboxChangeKind.Updated, Box("1", 1), Time);
        feed.Publish(MailboxChangeKind.Updated, Box("2", 1), Time);

        Assert.Equal([5_001L, 5_002L], feed.ReadSince(5_000, out var complete).Select(c => c.Sequence));
        Assert.True(complete);
        Assert.Equal([5_001L, 5_002L], feed.ReadSince(42, out var fromEarlierRun).Select(c => c.Sequence));
        Assert.False(fromEarlierRun);
    }

    [Fact]
    public void ReadSince_Window_ReturnsHeldChangesAndSaysWhetherComplete()
    {
        var feed = new MailboxChangeFeed(replayCapacity: 3);
        for (var i = 1; i <= 5; i++)
        {
            feed.Publish(MailboxChangeKind.Updated, Box("a", i), Time);
        }

        var fromStart = feed.ReadSince(0, out var startComplete);
        var fromTwo = feed.ReadSince(2, out var twoComplete);
        var fromLast = feed.ReadSince(5, out var lastComplete);
        var fromFuture = feed.ReadSince(9, out var futureComplete);

        Assert.Equal([3L, 4L, 5L], fromStart.Select(c => c.Sequence));
        Assert.False(startComplete);
        Assert.Equal([3L, 4L, 5L], fromTwo.Select(c => c.Sequence));
        Assert.True(twoComplete);
        Assert.Equal((0, true), (fromLast.Count, lastComplete));
        Assert.Equal((0, false), (fromFuture.Count, futureComplete));
    }

    [Fact]
    public async Task Dispose_Reader_RemovedAndPendingReadEnds()
    {
        var feed = new MailboxChangeFeed();
        var reader = feed.Subscribe();
        var read = reader.ReadAsync(CancellationToken.None).AsTask();
        Assert.Equal(1, feed.ReaderCount);

        reader.Dispose();
        feed.Publish(MailboxChangeKind.Updated, Box("a", 1), Time);

        Assert.Equal(0, feed.ReaderCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void ClusterIds_OutOfOrder_ResumeReplaysGreaterIdsAndWhatArrivedWithinTheReorderWindowBefore()
    {
        var clock = new FakeTimeProvider(Time);
        var feed = new MailboxChangeFeed(100, clock, TimeSpan.FromSeconds(2));
        feed.Rebase(100);
        feed.Publish(MailboxChangeKind.Updated, Box("old", 1), Time, 101);
        clock.Advance(TimeSpan.FromSeconds(5));
        feed.Publish(MailboxChangeKind.Updated, Box("a", 1), Time, 103);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        feed.Publish(MailboxChangeKind.Updated, Box("b", 1), Time, 105);

        // 104 committed before 105 but is heard of after it: a client that saw 105 elsewhere may not have seen 104.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        feed.Publish(MailboxChangeKind.Updated, Box("c", 1), Time, 104);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        feed.Publish(MailboxChangeKind.Updated, Box("d", 1), Time, 106);

        var from103 = feed.ReadSince(103, out var complete103);
        var from105 = feed.ReadSince(105, out var complete105);

        Assert.True(complete103);
        Assert.Equal([103L, 105L, 104L, 106L], from103.Select(c => c.Sequence));
        Assert.Equal([2L, 3L, 4L, 5L], from103.Select(c => c.Position));
        Assert.True(complete105);
        Assert.Equal([103L, 105L, 104L, 106L], from105.Select(c => c.Sequence));
        Assert.Equal(106, feed.LastSequence);
    }

    [Fact]
    public void ClusterIds_IdObservedButNotPublished_ResumesWithTheRecentArrivals_NotAsFromTheFuture()
    {
        var clock = new FakeTimeProvider(Time);
        var feed = new MailboxChangeFeed(100, clock, TimeSpan.FromSeconds(2));
        feed.Rebase(100);
        feed.Publish(MailboxChangeKind.Updated, Box("a", 1), Time, 101);
        clock.Advance(TimeSpan.FromSeconds(5));

        // 102's state was already published under 101 (a reload saw it first); 103 arrives late.
        feed.Observe(102);
        feed.Publish(MailboxChangeKind.Updated, Box("b", 1), Time, 103);
        clock.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal([103L], feed.ReadSince(102, out var complete).Select(c => c.Sequence));
        Assert.True(complete);
        // Up to date: what arrived within the window is replayed again (the client may have had 103 before some of it).
        Assert.Equal([103L], feed.ReadSince(103, out var upToDate).Select(c => c.Sequence));
        Assert.True(upToDate);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(feed.ReadSince(103, out var quiet));
        Assert.True(quiet);
        Assert.Empty(feed.ReadSince(104, out var future));
        Assert.False(future);
    }

    [Fact]
    public void ClusterIds_BelowTheRebaseOrEvicted_ResumeAsIncomplete()
    {
        var clock = new FakeTimeProvider(Time);
        var feed = new MailboxChangeFeed(2, clock, TimeSpan.FromSeconds(2));
        feed.Rebase(100);
        Assert.Empty(feed.ReadSince(99, out var beforeStart));
        Assert.False(beforeStart);

        feed.Publish(MailboxChangeKind.Updated, Box("a", 1), Time, 101);
        clock.Advance(TimeSpan.FromSeconds(5));
        feed.Publish(MailboxChangeKind.Updated, Box("b", 1), Time, 102);
        clock.Advance(TimeSpan.FromSeconds(5));
        feed.Publish(MailboxChangeKind.Updated, Box("c", 1), Time, 103);
        Assert.Equal([102L, 103L], feed.ReadSince(101, out var evictedButOutsideTheWindow).Select(c => c.Sequence));
        Assert.True(evictedButOutsideTheWindow);
        Assert.False(feed.ReadSince(100, out var evicted).Count == 0);
        Assert.False(evicted);

        // The reorder window reaches back past the oldest held change into an evicted one.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        feed.Publish(MailboxChangeKind.Updated, Box("d", 1), Time, 104);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        feed.Publish(MailboxChangeKind.Updated, Box("e", 1), Time, 105);
        Assert.Equal([104L, 105L], feed.ReadSince(104, out var windowEvicted).Select(c => c.Sequence));
        Assert.False(windowEvicted);
    }
}
