using Lantern.Mailboxes;
using Lantern.Storage;
using Lantern.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Storage;

public sealed class StorageInitializerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task UnreachableAtStart_NotReady_RetriesWithBackOff_ThenLoadsAndRunsDeferredStartsInOrder()
    {
        using var h = new Harness(failures: 2, transient: true);
        var (time, store, mailboxes, startup, initializer) = (h.Time, h.Store, h.Mailboxes, h.Startup, h.Initializer);

        await initializer.OpenAsync(CancellationToken.None);
        Assert.False(startup.IsReady);
        Assert.False(mailboxes.IsLoaded);
        Assert.Contains("connection refused", startup.Problem, StringComparison.Ordinal);
        Assert.NotNull(startup.UnreachableSince);

        var ran = new List<string>();
        Assert.True(startup.Defer(_ =>
        {
            ran.Add(mailboxes.IsLoaded ? "phones after the load" : "phones before the load");
            return Task.CompletedTask;
        }));
        Assert.True(startup.Defer(_ =>
        {
            ran.Add("second");
            return Task.CompletedTask;
        }));

        await AdvanceUntilReadyAsync(time, startup);
        Assert.Equal(3, store.Attempts);
        Assert.True(mailboxes.IsLoaded);
        Assert.Equal(["phones after the load", "second"], ran);
        Assert.False(startup.Defer(_ => Task.CompletedTask));
        await initializer.StoppingAsync(CancellationToken.None);
    }

    [Fact]
    public async Task DeferredStartFails_IsRetriedUntilItRuns_ReadyOnlyThen()
    {
        using var h = new Harness(failures: 1, transient: true);
        var (time, store, startup, initializer) = (h.Time, h.Store, h.Startup, h.Initializer);
        await initializer.OpenAsync(CancellationToken.None);
        var calls = 0;
        startup.Defer(_ => ++calls == 1 ? throw new TimeoutException("lease renewal timed out") : Task.CompletedTask);

        await AdvanceUntilReadyAsync(time, startup);
        Assert.Equal(2, calls);
        Assert.Equal(2, store.Attempts);
        await initializer.StoppingAsync(CancellationToken.None);
    }

    [Fact]
    public async Task NotTransient_OpenThrows_NoRetry()
    {
        using var h = new Harness(failures: 5, transient: false);
        var (time, store, startup, initializer) = (h.Time, h.Store, h.Startup, h.Initializer);

        await Assert.ThrowsAsync<TimeoutException>(() => initializer.OpenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, store.Attempts);
        Assert.False(startup.IsReady);
    }

    [Fact]
    public async Task Stopping_EndsTheRetries()
    {
        using var h = new Harness(failures: int.MaxValue, transient: true);
        var (time, store, initializer) = (h.Time, h.Store, h.Initializer);
        await initializer.OpenAsync(CancellationToken.None);

        await initializer.StoppingAsync(CancellationToken.None).WaitAsync(Deadline);
        var attempts = store.Attempts;
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(attempts, store.Attempts);
    }

    [Fact]
    public void CommitGate_OneOfCommitAndAbandonWins()
    {
        var committed = new PostgresCommitGate();
        Assert.True(committed.TryCommit());
        Assert.False(committed.TryAbandon());

        var abandoned = new PostgresCommitGate();
        Assert.True(abandoned.TryAbandon());
        Assert.False(abandoned.TryCommit());
        Assert.True(abandoned.TryAbandon());
    }

    // The retry loop runs on its own task: advance the fake clock in back-off steps until it reports ready, bounded.
    private static async Task AdvanceUntilReadyAsync(FakeTimeProvider time, StoreStartup startup)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!startup.IsReady)
        {
            Assert.True(clock.Elapsed < Deadline, "the store never became ready: " + startup.Problem);
            time.Advance(StorageInitializer.FirstRetryDelay);
            await Task.WhenAny(startup.Ready, Task.Delay(10));
        }
    }

    private sealed class Harness : IDisposable
    {
        public Harness(int failures, bool transient)
        {
            Store = new FlakyStore(failures, transient);
            Mailboxes = new MailboxService(new InMemoryMailboxRepository(), Time);
            Initializer = new StorageInitializer(Store, Mailboxes, NullLogger<StorageInitializer>.Instance, Startup, Time);
        }

        public FakeTimeProvider Time { get; } = new();

        public FlakyStore Store { get; }

        public MailboxService Mailboxes { get; }

        public StoreStartup Startup { get; } = new();

        public StorageInitializer Initializer { get; }

        public void Dispose()
        {
            Initializer.Dispose();
            Mailboxes.Dispose();
        }
    }

    private sealed class FlakyStore(int failures, bool transient) : ILanternStore
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public string Description => "flaky:test";

        public IMailboxRepository Mailboxes => throw new NotSupportedException();

        public IRecordStore Records => throw new NotSupportedException();

        public int SchemaVersion => 1;

        public bool IsTransientOpenFailure(Exception exception) => transient;

        public Task MigrateAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _attempts) <= failures
                ? Task.FromException(new TimeoutException("connection refused"))
                : Task.CompletedTask;

        public void StartReplication(IMailboxReplica replica)
        {
        }

        public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(true);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
