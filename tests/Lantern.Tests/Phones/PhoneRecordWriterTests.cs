using Lantern.Phones;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Phones;

public sealed class PhoneRecordWriterTests
{
    [Fact]
    public async Task PutThenDeleteBeforeFlush_NothingReachesTheStore()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);

        writer.Put("k", "a", "{}", null);
        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, store.CountOf("k"));
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public async Task OnCommitted_CalledOnceTheCommitIsDone_AtOnceWhenNothingWaits_FalseWhenItFailed()
    {
        var store = new InMemoryRecordStore { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        var calls = new System.Collections.Concurrent.ConcurrentQueue<(string State, bool Ok)>();
        void Record(object state, bool ok) => calls.Enqueue(((string)state, ok));

        writer.OnCommitted(Record, "idle");
        Assert.Equal([("idle", true)], calls);

        writer.Put("k", "a", "{}", null);
        writer.OnCommitted(Record, "queued");
        writer.Start();
        await store.BatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        writer.OnCommitted(Record, "in flight");
        Assert.Single(calls);
        store.Gate.SetResult();
        await WaitUntilAsync(() => calls.Count == 3);
        Assert.Equal([("idle", true), ("queued", true), ("in flight", true)], calls);

        store.Gate = null;
        store.FailNextBatch = new InvalidOperationException("store down");
        writer.Put("k", "b", "{}", null);
        writer.OnCommitted(Record, "failed");
        await WaitUntilAsync(() => calls.Count == 4);
        Assert.Equal(("failed", false), calls.Last());
    }

    [Fact]
    public async Task CommittedThenDeleted_DeleteReachesTheStore()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Put("k", "a", "{\"v\":1}", null);
        writer.Put("k", "a", "{\"v\":2}", null);
        await writer.FlushAsync(CancellationToken.None);
        Assert.Equal("{\"v\":2}", Assert.Single(store.All("k")).Json);

        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, store.CountOf("k"));
    }

    [Fact]
    public async Task MarkStored_OlderRead_AddsToTheClaimsKnown_NeverReplacesThem()
    {
        // A fenced node's reload read the record before the phone's request claimed it here; marking that older read replaced
        // the claim just written, so the delete after the phone's unsubscribe matched nothing and removed nothing.
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Put("k", "a", "{}", null);
        await writer.FlushAsync(CancellationToken.None);
        var written = Assert.Single(Assert.Single(store.Batches)).Claim;

        writer.MarkStored(new Lantern.Storage.StoredRecord("k", "a", "{}", null) { Claim = 7 });
        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        var delete = Assert.Single(store.Batches.Last());
        Assert.Equal([7, written], delete.Claims!.Order());
    }

    [Fact]
    public async Task Forget_WhileItsPutIsCommitted_FailedPutIsNotRetried()
    {
        // A fenced node let go of a dialog whose put was on the wire when the database went away: retried, the put made
        // the node the record's owner again while the survivor that took the dialog over kept notifying it.
        var store = new InMemoryRecordStore
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            FailNextBatch = new InvalidOperationException("connection lost"),
        };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Put("k", "a", "{}", null);
        var flushing = writer.FlushAsync(CancellationToken.None);
        await store.BatchStarted.Task;

        writer.Forget("k", "a");
        store.Gate.SetResult();
        await flushing;

        Assert.Equal(0, writer.Pending);
        Assert.Equal(0, store.CountOf("k"));
    }

    [Fact]
    public async Task UnconditionalDelete_KeptOverALaterDeleteOfTheRecord()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Put("k", "a", "{}", null);
        await writer.FlushAsync(CancellationToken.None);

        writer.Delete("k", "a", unconditional: true);
        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.True(Assert.Single(store.Batches.Last()).Unconditional);
        Assert.Equal(0, store.CountOf("k"));
    }

    [Fact]
    public async Task MarkedStored_DeleteIsNotSkipped()
    {
        var store = new InMemoryRecordStore();
        await store.PutAsync(new Lantern.Storage.StoredRecord("k", "old", "{}", null), CancellationToken.None);
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);

        writer.MarkStored(new Lantern.Storage.StoredRecord("k", "old", "{}", null));
        writer.Delete("k", "old");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, store.CountOf("k"));
    }

    [Fact]
    public async Task Forget_QueuedDelete_StillReachesTheStore_ConditionalOnTheClaimItKnew()
    {
        // Another node took the record over (lease) before the delete of an unsubscribe answered here was written: the
        // delete must still end it there (decision 0041); before, Forget dropped it and the new owner kept notifying.
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Put("k", "a", "{}", null);
        await writer.FlushAsync(CancellationToken.None);

        writer.Delete("k", "a");
        writer.Forget("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, store.CountOf("k"));
        var put = Assert.Single(store.Batches.First());
        var delete = Assert.Single(store.Batches.Last());
        Assert.Null(delete.Json);
        Assert.NotEqual(0, put.Claim);
        Assert.Equal([put.Claim], delete.Claims);
    }

    [Fact]
    public async Task WhenCommitted_CompletesOnlyAfterTheBatchIsCommitted()
    {
        var store = new InMemoryRecordStore { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Start();

        writer.Put("k", "a", "{}", null);
        var committed = writer.WhenCommitted();
        Assert.False(committed.IsCompleted);
        Assert.Equal(0, store.CountOf("k"));

        store.Gate.SetResult();
        await committed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, store.CountOf("k"));
        Assert.True(writer.WhenCommitted().IsCompleted);
    }

    [Fact]
    public async Task WritesQueuedDuringACommit_GoIntoOneNextBatch()
    {
        var store = new InMemoryRecordStore { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Start();
        writer.Put("k", "first", "{}", null);
        var first = writer.WhenCommitted();
        for (var i = 0; i < 100; i++)
        {
            writer.Put("k", "n" + i, "{}", null);
        }

        var rest = writer.WhenCommitted();
        store.Gate.SetResult();
        await rest.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(first.IsCompleted);
        Assert.Equal(101, store.CountOf("k"));
        Assert.True(store.Batches.Count <= 2, $"{store.Batches.Count} batches");
    }

    [Fact]
    public async Task DeleteWhilePutIsBeingCommitted_IsNotSkipped()
    {
        var store = new InMemoryRecordStore { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        writer.Start();
        writer.Put("k", "a", "{}", null);
        var inFlight = writer.WhenCommitted();
        await WaitUntilAsync(() => writer.Pending == 1 && !inFlight.IsCompleted && store.Batches.IsEmpty);

        writer.Delete("k", "a");
        store.Gate.SetResult();
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, store.CountOf("k"));
    }

    [Fact]
    public async Task FailedCommit_WaitersReleased_WritesRetriedAfterTheDelay()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRecordStore { FailNextBatch = new InvalidOperationException("store down") };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance, time);
        writer.Start();

        writer.Put("k", "a", "{}", null);
        await writer.WhenCommitted().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, store.CountOf("k"));
        await WaitUntilAsync(() => writer.Pending == 1);

        time.Advance(PhoneRecordWriter.RetryDelay);
        await WaitUntilAsync(() => store.CountOf("k") == 1);
        Assert.Equal(0, writer.Pending);
    }

    [Fact]
    public async Task WriteAlreadyInAFailedBatch_WaiterToldAtOnce_NotAfterTheRetry()
    {
        // A request whose write went out (and failed) before it asked must not wait for a retry the clock has not reached.
        var time = new FakeTimeProvider();
        var store = new InMemoryRecordStore { FailNextBatch = new InvalidOperationException("store down") };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance, time);
        writer.Start();

        writer.Put("k", "a", "{}", null);
        await store.BatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => store.FailNextBatch is null);
        await WaitUntilAsync(() => writer.WhenCommitted() is { IsCompleted: true } t && !t.Result);

        Assert.Equal(1, writer.Pending);
        time.Advance(PhoneRecordWriter.RetryDelay);
        await WaitUntilAsync(() => store.CountOf("k") == 1);
        Assert.True(await writer.WhenCommitted().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Delay_IsTheAgeOfTheOldestUncommittedWrite_ZeroOnceCommitted()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRecordStore { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance, time);
        Assert.Equal(TimeSpan.Zero, writer.Delay());
        writer.Start();
        writer.Put("k", "a", "{}", null);
        await store.BatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMilliseconds(300));
        // One slow commit alone is not a backlog.
        Assert.Equal(TimeSpan.Zero, writer.Delay());
        // Writes queued behind the stalled batch make one, and do not make the lag look younger.
        for (var i = 0; i < PhoneRecordWriter.MinBacklog; i++)
        {
            writer.Put("k", "b" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "{}", null);
        }

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(400), writer.Delay());

        store.Gate.SetResult();
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => writer.Pending == 0);
        Assert.Equal(TimeSpan.Zero, writer.Delay());
    }

    [Fact]
    public async Task StalledStore_WaitersReleasedAfterTheWaitLimit()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRecordStore { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance, time);
        writer.Start();
        writer.Put("k", "a", "{}", null);
        var committed = writer.WhenCommitted();
        await store.BatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        time.Advance(PhoneRecordWriter.WaitLimit - TimeSpan.FromMilliseconds(1));
        Assert.False(committed.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await committed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, store.CountOf("k"));
        store.Gate.SetResult();
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, store.CountOf("k"));
    }

    [Fact]
    public async Task DeferredPut_PayloadMadeAtWriteFromNewestState()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        var state = new List<int> { 1 };
        var made = 0;
        string Serialize(object o)
        {
            made++;
            return "{\"v\":" + ((List<int>)o).Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
        }

        writer.Put("k", "a", state, Serialize, null);
        state.Add(2);
        writer.Put("k", "a", state, Serialize, null);
        Assert.Equal(0, made);
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(1, made);
        Assert.Equal("{\"v\":2}", Assert.Single(store.All("k")).Json);
    }

    [Fact]
    public async Task DeferredPutThenDelete_NeverSerialized()
    {
        var store = new InMemoryRecordStore();
        await using var writer = new PhoneRecordWriter(store, NullLogger.Instance);
        var made = 0;
        writer.Put("k", "a", new object(), _ =>
        {
            made++;
            return "{}";
        }, null);
        writer.Delete("k", "a");
        await writer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, made);
        Assert.Equal(0, store.CountOf("k"));
    }
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Yield();
        }
    }
}
