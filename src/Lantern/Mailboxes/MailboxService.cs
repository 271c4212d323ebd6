using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lantern.Mailboxes;

/// <summary>The mailbox domain: committed state in memory, every write serialised per mailbox and committed to the repository before it is acknowledged and published.</summary>
/// <remarks>
/// Concurrency: each mailbox maps to one of a fixed number of async lock stripes (its serial owner). The stripe is held
/// across that mailbox's store commit (that is what serialises it) but never any lock on shared state; the shared
/// dictionary is lock-free and readers see only committed states. Once a commit has started it is not cancelled,
/// so memory and store never diverge.
/// </remarks>
internal sealed partial class MailboxService : IMailboxService, IDisposable
{
    /// <summary>Compare-and-set attempts of one write against a shared store; each loss means another node committed in
    /// between, and from the second loss on a jittered pause (<see cref="BackOffAsync"/>) lets the loser win, so running out
    /// takes seconds of sustained contention on one mailbox from several nodes.</summary>
    private const int MaxCommitAttempts = 64;

    private readonly IMailboxRepository _repository;
    private readonly TimeProvider _time;
    private readonly MailboxServiceOptions _options;
    private readonly MailboxChangeFeed _feed;
    private readonly MailboxWriteStripes _stripes;
    private readonly ConcurrentDictionary<MailboxId, Mailbox> _mailboxes = new();
    private readonly MailboxMetrics _metrics;
    private readonly MailboxActorContext _actors;
    private int _count;
    private volatile bool _loaded;

    /// <param name="meterFactory">When given, the <c>Lantern.Mailboxes</c> meter is created through it (one per host).</param>
    /// <param name="actors">Who is writing, for the history; without one the owner is recorded as the actor.</param>
    public MailboxService(IMailboxRepository repository, TimeProvider time, MailboxServiceOptions? options = null, IMeterFactory? meterFactory = null, MailboxActorContext? actors = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(time);
        _repository = repository;
        _time = time;
        _options = options ?? new MailboxServiceOptions();
        _feed = repository.IsShared
            ? new MailboxChangeFeed(_options.ReplayCapacity, time, _options.ReorderWindow)
            : new MailboxChangeFeed(_options.ReplayCapacity, _options.SequenceBase);
        _stripes = new MailboxWriteStripes(_options.WriteStripes);
        _metrics = new MailboxMetrics(() => Count, () => _feed.ReaderCount, meterFactory);
        _actors = actors ?? new MailboxActorContext();
    }

    /// <summary>A ready service over a fresh, empty, non-durable repository (for tests and tools; no <see cref="LoadAsync"/> needed).</summary>
    public static MailboxService InMemory(TimeProvider? time = null, MailboxServiceOptions? options = null) =>
        new(new InMemoryMailboxRepository(), time ?? TimeProvider.System, options) { _loaded = true };

    public IMailboxChangeFeed Changes => _feed;

    public MailboxActorContext Actors => _actors;

    public ValueTask<IReadOnlyList<MailboxHistoryEntry>> HistoryAsync(MailboxId id, CancellationToken cancellationToken) =>
        _repository.LoadHistoryAsync(id, MailboxHistoryEntry.Limit, cancellationToken);

    internal MailboxMetrics Metrics => _metrics;

    /// <summary>Number of mailboxes held (committed or being created).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>True once <see cref="LoadAsync"/> finished; writes before that are refused as unavailable.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>Loads the committed state from the repository; call once at start-up, before serving.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var all = await _repository.LoadAllAsync(cancellationToken).ConfigureAwait(false);

        // Changes committed before the load are not in the replay window: a resume from an id up to here is a resync.
        _feed.Rebase(await _repository.LastChangeIdAsync(cancellationToken).ConfigureAwait(false));
        _mailboxes.Clear();
        foreach (var mailbox in all)
        {
            _mailboxes[mailbox.Id] = mailbox;
        }

        Volatile.Write(ref _count, _mailboxes.Count);
        _loaded = true;
    }

    public Mailbox? Find(MailboxId id) => id.Mailbox is not null && _mailboxes.TryGetValue(id, out var mailbox) ? mailbox : null;

    public async ValueTask<MailboxWriteResult> UpdateAsync(MailboxId id, MailboxSource source, MailboxUpdate update, long? expectedVersion, CancellationToken cancellationToken) =>
        _metrics.Write(await UpdateCoreAsync(id, source, update, expectedVersion, cancellationToken).ConfigureAwait(false));

    public async ValueTask<MailboxWriteResult> SetPublicationLapsedAsync(MailboxId id, MailboxSource source, bool lapsed, CancellationToken cancellationToken) =>
        _metrics.Write(await SetPublicationLapsedCoreAsync(id, source, lapsed, cancellationToken).ConfigureAwait(false));

    public async ValueTask<MailboxWriteResult> DeleteAsync(MailboxId id, MailboxSource source, CancellationToken cancellationToken) =>
        _metrics.Write(await DeleteCoreAsync(id, source, cancellationToken).ConfigureAwait(false));

    private async ValueTask<MailboxWriteResult> UpdateCoreAsync(MailboxId id, MailboxSource source, MailboxUpdate update, long? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (Precheck(id) is { } refused)
        {
            return refused;
        }

        var stripe = _stripes.IndexOf(id);
        await _stripes.EnterAsync(stripe, cancellationToken).ConfigureAwait(false);
        try
        {
            return await WriteLockedAsync(id, (Source: source, Update: update, Expected: expectedVersion), DecideUpdate).ConfigureAwait(false);
        }
        finally
        {
            _stripes.Exit(stripe);
        }
    }

    private static MailboxWriteDecision DecideUpdate(MailboxId id, Mailbox? current, (MailboxSource Source, MailboxUpdate Update, long? Expected) write, DateTimeOffset now)
    {
        if (CheckOwnerAndVersion(id, current, write.Source, write.Expected) is { } refusal)
        {
            return new(refusal, null);
        }

        var counts = current?.Counts ?? MailboxCounts.Empty;
        if (!write.Update.TryApply(counts, out var next, out var error))
        {
            return new(new MailboxWriteResult(MailboxWriteStatus.Invalid, current, error), null);
        }

        if (current is not null && next == counts)
        {
            return new(new MailboxWriteResult(MailboxWriteStatus.Unchanged, current, string.Empty), null);
        }

        return new(null, current is null
            ? new Mailbox(id, next, 1, write.Source, now)
            : current with { Counts = next, Version = current.Version + 1, UpdatedAt = now });
    }

    private async ValueTask<MailboxWriteResult> SetPublicationLapsedCoreAsync(MailboxId id, MailboxSource source, bool lapsed, CancellationToken cancellationToken)
    {
        if (Precheck(id) is { } refused)
        {
            return refused;
        }

        var stripe = _stripes.IndexOf(id);
        await _stripes.EnterAsync(stripe, cancellationToken).ConfigureAwait(false);
        try
        {
            return await WriteLockedAsync(id, (Source: source, Lapsed: lapsed), DecideLapsed).ConfigureAwait(false);
        }
        finally
        {
            _stripes.Exit(stripe);
        }
    }

    private static MailboxWriteDecision DecideLapsed(MailboxId id, Mailbox? current, (MailboxSource Source, bool Lapsed) write, DateTimeOffset now)
    {
        if (current is null)
        {
            return new(NotFound(id), null);
        }

        if (CheckOwnerAndVersion(id, current, write.Source, null) is { } refusal)
        {
            return new(refusal, null);
        }

        if (current.PublicationLapsed == write.Lapsed)
        {
            return new(new MailboxWriteResult(MailboxWriteStatus.Unchanged, current, string.Empty), null);
        }

        // The counts stay, so the version stays; the flag change is still persisted and published.
        return new(null, current with { PublicationLapsed = write.Lapsed, UpdatedAt = now });
    }

    /// <summary>Decides a write on the mailbox's state and commits it; the caller holds the mailbox's stripe.</summary>
    /// <remarks>With a shared store memory may lag other nodes' commits, so no answer is given from memory alone: a refusal or
    /// "no change" is decided again on the re-read stored row, and a commit that lost the compare-and-set to another node is
    /// recomputed on the re-read row, so a write without a precondition neither fails nor vanishes because another node wrote first.</remarks>
    private async ValueTask<MailboxWriteResult> WriteLockedAsync<TState>(MailboxId id, TState state, Func<MailboxId, Mailbox?, TState, DateTimeOffset, MailboxWriteDecision> decide)
    {
        var fresh = !_repository.IsShared;
        for (var attempt = 1; ; attempt++)
        {
            _mailboxes.TryGetValue(id, out var current);
            var now = Now();
            var (answer, mailbox) = decide(id, current, state, now);
            if (answer is not null || mailbox is null)
            {
                if (fresh)
                {
                    return answer!;
                }
            }
            else
            {
                var created = current is null;
                if (created && !TryReserve())
                {
                    return LimitReached();
                }

                var committed = await CommitAsync(mailbox, current, now).ConfigureAwait(false);
                if (committed is not null)
                {
                    return committed;
                }

                if (attempt >= MaxCommitAttempts)
                {
                    return Conflict(id);
                }

                await BackOffAsync(attempt).ConfigureAwait(false);
            }

            if (await RefreshLockedAsync(id).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            fresh = true;
        }
    }

    /// <summary>After the second lost compare-and-set in a row, waits 1 to 2·attempt ms at random before re-reading.</summary>
    /// <remarks>Two nodes retrying in lock step can make the same one lose every time (its round trip is the longer); the
    /// random pause breaks the symmetry. It is wall-clock on purpose: it spaces database round trips, it is not a timer of
    /// the protocol, and a test clock that never advances would stall the write.</remarks>
    private static Task BackOffAsync(int attempt) =>
        attempt < 2 ? Task.CompletedTask : Task.Delay(Random.Shared.Next(1, 1 + (2 * attempt)));

    /// <summary>Makes memory equal the stored row (publishing it if it moved); null on success, else the store failure.</summary>
    private async ValueTask<MailboxWriteResult?> RefreshLockedAsync(MailboxId id)
    {
        Mailbox? stored;
        try
        {
            stored = await _repository.LoadOneAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return StoreFailed(Find(id));
        }

        // The row's change id is not read; the notification of that change, when it comes, records it.
        Follow(id, stored, Now(), 0);
        return null;
    }

    private async ValueTask<MailboxWriteResult> DeleteCoreAsync(MailboxId id, MailboxSource source, CancellationToken cancellationToken)
    {
        if (Precheck(id) is { } refused)
        {
            return refused;
        }

        var stripe = _stripes.IndexOf(id);
        await _stripes.EnterAsync(stripe, cancellationToken).ConfigureAwait(false);
        try
        {
            _mailboxes.TryGetValue(id, out var current);
            if (_repository.IsShared && (current is null || current.Source != source))
            {
                if (await RefreshLockedAsync(id).ConfigureAwait(false) is { } failed)
                {
                    return failed;
                }

                _mailboxes.TryGetValue(id, out current);
            }

            if (current is null)
            {
                return NotFound(id);
            }

            if (CheckOwnerAndVersion(id, current, source, null) is { } refusal)
            {
                return refusal;
            }

            var started = Stopwatch.GetTimestamp();
            long changeId;
            try
            {
                changeId = await _repository.DeleteAsync(id, Deleted(current, source, Now()), CancellationToken.None).ConfigureAwait(false);
                _metrics.Commit(started);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return StoreFailed(current);
            }

            _mailboxes.TryRemove(id, out _);
            Interlocked.Decrement(ref _count);
            _feed.Publish(MailboxChangeKind.Deleted, current, Now(), changeId);
            return new MailboxWriteResult(MailboxWriteStatus.Changed, current, string.Empty);
        }
        finally
        {
            _stripes.Exit(stripe);
        }
    }

    public void Dispose()
    {
        _stripes.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Commits and publishes; null when another node moved the stored row on first (nothing was written).</summary>
    private async ValueTask<MailboxWriteResult?> CommitAsync(Mailbox mailbox, Mailbox? previous, DateTimeOffset now)
    {
        var created = previous is null;
        var started = Stopwatch.GetTimestamp();
        long changeId;
        try
        {
            changeId = await _repository.UpsertAsync(mailbox, Changed(mailbox, previous, mailbox.Source), CancellationToken.None).ConfigureAwait(false);
            _metrics.Commit(started);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (ex is MailboxCommitUncertainException uncertain)
            {
                return await ResolveUncertainCommitAsync(mailbox, created, now, uncertain.ChangeId).ConfigureAwait(false);
            }

            if (created)
            {
                Interlocked.Decrement(ref _count);
            }

            return ex is MailboxConflictException ? null : StoreFailed(Find(mailbox.Id));
        }

        _mailboxes[mailbox.Id] = mailbox;
        _feed.Publish(MailboxChangeKind.Updated, mailbox, now, changeId);
        return new MailboxWriteResult(MailboxWriteStatus.Changed, mailbox, string.Empty);
    }

    /// <summary>A commit whose reply never came (the connection dropped after COMMIT was sent) may or may not be stored:
    /// the stored row decides. Written: acknowledged and published. Not written: memory follows the row and the write is
    /// recomputed on it (null) once the store answers again. Unreadable: 503 saying the outcome is unknown; memory keeps
    /// its old state, and the next write's compare-and-set on the stored version re-reads the row before it commits.</summary>
    private async ValueTask<MailboxWriteResult?> ResolveUncertainCommitAsync(Mailbox mailbox, bool created, DateTimeOffset now, long changeId)
    {
        Mailbox? stored;
        try
        {
            stored = await _repository.LoadOneAsync(mailbox.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (created)
            {
                Interlocked.Decrement(ref _count);
            }

            return new MailboxWriteResult(MailboxWriteStatus.Unavailable, Find(mailbox.Id),
                "the mailbox store was lost during the commit and cannot be read; the write may or may not be stored, retry");
        }

        if (stored == mailbox)
        {
            _mailboxes[mailbox.Id] = mailbox;
            _feed.Publish(MailboxChangeKind.Updated, mailbox, now, changeId);
            return new MailboxWriteResult(MailboxWriteStatus.Changed, mailbox, string.Empty);
        }

        if (created)
        {
            Interlocked.Decrement(ref _count);
        }

        Follow(mailbox.Id, stored, now, 0);
        if (stored is not null && stored.Version > mailbox.Version)
        {
            // Another node wrote after: whether ours came first cannot be told apart from the row.
            return new MailboxWriteResult(MailboxWriteStatus.Unavailable, stored,
                "the mailbox store was lost during the commit and another node wrote since; the write may or may not have been stored before it, retry");
        }

        return null;
    }

    /// <summary>The history entry of an upsert from <paramref name="previous"/> (null: created) to <paramref name="mailbox"/>.</summary>
    private MailboxHistoryEntry Changed(Mailbox mailbox, Mailbox? previous, MailboxSource source)
    {
        var kind = previous is null ? MailboxHistoryKind.Created
            : previous.PublicationLapsed == mailbox.PublicationLapsed ? MailboxHistoryKind.Updated
            : mailbox.PublicationLapsed ? MailboxHistoryKind.Lapsed
            : MailboxHistoryKind.Resumed;
        return new MailboxHistoryEntry(mailbox.Id, mailbox.UpdatedAt, kind, source, _actors.ActorFor(source), previous?.Counts, mailbox.Counts, mailbox.Version);
    }

    private MailboxHistoryEntry Deleted(Mailbox current, MailboxSource source, DateTimeOffset now) =>
        new(current.Id, now, MailboxHistoryKind.Deleted, source, _actors.ActorFor(source), current.Counts, null, current.Version);

    private MailboxWriteResult? Precheck(MailboxId id)
    {
        if (id.Mailbox is null)
        {
            return new MailboxWriteResult(MailboxWriteStatus.Invalid, null, "mailbox id is empty");
        }

        return _loaded ? null : new MailboxWriteResult(MailboxWriteStatus.Unavailable, null, "the mailbox store is not loaded yet; nothing was written");
    }

    private static MailboxWriteResult? CheckOwnerAndVersion(MailboxId id, Mailbox? current, MailboxSource source, long? expectedVersion)
    {
        if (current is not null && current.Source != source)
        {
            return new MailboxWriteResult(MailboxWriteStatus.OwnedByOther, current, $"mailbox {id} is owned by {current.Source}");
        }

        if (expectedVersion is { } expected && expected != (current?.Version ?? 0))
        {
            var error = current is null
                ? $"mailbox {id} does not exist (expected version {expected})"
                : $"mailbox {id} is at version {current.Version}, not {expected}";
            return new MailboxWriteResult(MailboxWriteStatus.VersionMismatch, current, error);
        }

        return null;
    }

    private bool TryReserve()
    {
        if (Interlocked.Increment(ref _count) <= _options.MaxMailboxes)
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    // Whole milliseconds: what every store round-trips exactly, so a reloaded mailbox equals the acknowledged one.
    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    private MailboxWriteResult LimitReached() =>
        new(MailboxWriteStatus.Unavailable, null, $"the mailbox limit ({_options.MaxMailboxes}) is reached; nothing was written");

    private static MailboxWriteResult NotFound(MailboxId id) =>
        new(MailboxWriteStatus.NotFound, null, $"mailbox {id} does not exist");

    private MailboxWriteResult Conflict(MailboxId id) =>
        new(MailboxWriteStatus.VersionMismatch, Find(id), $"mailbox {id} was changed on another node at the same time; nothing was written, retry");

    private static MailboxWriteResult StoreFailed(Mailbox? current) =>
        new(MailboxWriteStatus.Unavailable, current, "the mailbox store is unavailable; nothing was written");
}
