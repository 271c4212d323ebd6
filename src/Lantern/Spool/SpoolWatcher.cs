using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Lantern.Configuration;
using Lantern.Mailboxes;

namespace Lantern.Spool;

/// <summary>Keeps the mailboxes of one Asterisk voicemail spool tree equal to its files, as owner <c>spool:NAME</c>.</summary>
/// <remarks>File-system notifications mark a mailbox dirty; it is counted once no event touched it for the debounce time, so a
/// message written as media files then its <c>.txt</c> envelope (or moved file by file) gives one write. Notifications can be
/// lost (inotify queue overflow, a watch added after a new folder's first file), so a periodic full rescan corrects the state
/// and deletes the mailboxes whose folders are gone. One loop owns every write, so rescan and dirty flushes never race.</remarks>
internal sealed class SpoolWatcher : IAsyncDisposable
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    private readonly string _root;
    private readonly string _name;
    private readonly MailboxSource _source;
    private readonly IMailboxService _mailboxes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _rescanInterval;
    private readonly TimeSpan _debounce;
    private readonly bool _watchFiles;
    private readonly ConcurrentDictionary<(string Context, string Mailbox), long> _dirty = new();
    private readonly ConcurrentDictionary<MailboxId, byte> _warnedOwners = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private Task _loop = Task.CompletedTask;
    private int _rescanRequested;

    /// <param name="watchFiles">False leaves only the periodic rescan (tests of the rescan's correction).</param>
    public SpoolWatcher(SpoolOptions options, IMailboxService mailboxes, TimeProvider time, ILogger logger, bool watchFiles = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = Path.GetFullPath(options.Path);
        _name = options.Name;
        _source = new MailboxSource(MailboxSourceKind.Spool, options.Name);
        _mailboxes = mailboxes;
        _time = time;
        _logger = logger;
        _rescanInterval = TimeSpan.FromSeconds(options.RescanSeconds);
        _debounce = TimeSpan.FromMilliseconds(options.DebounceMilliseconds);
        _watchFiles = watchFiles;
    }

    /// <summary>The owner this spool writes as.</summary>
    public MailboxSource Source => _source;

    /// <summary>Starts watching, brings every mailbox in line with the files, then runs the debounce and rescan loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_watchFiles)
        {
            // Watching starts before the first scan, so nothing written during the scan is missed.
            _watcher = new FileSystemWatcher(_root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName,
                InternalBufferSize = 64 * 1024,
            };
            _watcher.Created += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.Changed += OnChanged;
            _watcher.Renamed += OnRenamed;
            _watcher.Error += OnError;
            _watcher.EnableRaisingEvents = true;
        }

        // The first periodic rescan is fixed here, not when the loop first runs, so time that passes in between counts.
        var nextRescan = _time.GetUtcNow() + _rescanInterval;
        var found = await RescanAsync(cancellationToken).ConfigureAwait(false);
        SpoolLog.Started(_logger, _name, _root, found);
        _loop = Task.Run(() => RunAsync(nextRescan, _stop.Token), CancellationToken.None);
    }

    /// <summary>Counts every mailbox folder, writes those that differ and deletes this spool's mailboxes whose folders are gone; returns how many folders were counted.</summary>
    public async Task<int> RescanAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var seen = new HashSet<MailboxId>();
        foreach (var contextFolder in EnumerateFolders(_root))
        {
            var context = Path.GetFileName(contextFolder);
            foreach (var mailboxFolder in EnumerateFolders(contextFolder))
            {
                var mailbox = Path.GetFileName(mailboxFolder);
                if (!MailboxId.TryCreate(mailbox, context, out var id))
                {
                    SpoolLog.InvalidFolder(_logger, _name, context + "/" + mailbox);
                    continue;
                }

                seen.Add(id);
                await SyncAsync(id, VoicemailSpoolCounter.Count(mailboxFolder), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var mailbox in _mailboxes.List(new MailboxQuery(Source: _source)))
        {
            if (!seen.Contains(mailbox.Id))
            {
                await SyncAsync(mailbox.Id, null, cancellationToken).ConfigureAwait(false);
            }
        }

        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        SpoolLog.Rescanned(_logger, _name, seen.Count, elapsed);
        return seen.Count;
    }

    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(DateTimeOffset nextRescan, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var now = _time.GetUtcNow();
                if (now >= nextRescan || Interlocked.Exchange(ref _rescanRequested, 0) == 1)
                {
                    await RescanAsync(cancellationToken).ConfigureAwait(false);
                    nextRescan = now + _rescanInterval;
                }

                await FlushDueAsync(now, cancellationToken).ConfigureAwait(false);
                var wait = nextRescan - now;
                if (!_dirty.IsEmpty && _debounce < wait)
                {
                    wait = _debounce;
                }

                await WaitAsync(wait < MinimumWait ? MinimumWait : wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                SpoolLog.Crashed(_logger, ex, _name);
                await WaitAsync(_rescanInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _time, linked.Token);
        var wake = _wake.Reader.WaitToReadAsync(linked.Token).AsTask();
        await Task.WhenAny(delay, wake).ConfigureAwait(false);
        await linked.CancelAsync().ConfigureAwait(false);
        _wake.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task FlushDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = now.UtcTicks - _debounce.Ticks;
        foreach (var entry in _dirty)
        {
            // Removed only when no event came since it was read; a newer event keeps it dirty for another debounce.
            if (entry.Value > due || !_dirty.TryRemove(entry))
            {
                continue;
            }

            var (context, mailbox) = entry.Key;
            if (!MailboxId.TryCreate(mailbox, context, out var id))
            {
                SpoolLog.InvalidFolder(_logger, _name, context + "/" + mailbox);
                continue;
            }

            await SyncAsync(id, VoicemailSpoolCounter.Count(Path.Combine(_root, context, mailbox)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="counts"/> (or deletes, when null) unless the mailbox already holds them.</summary>
    private async Task SyncAsync(MailboxId id, MailboxCounts? counts, CancellationToken cancellationToken)
    {
        var current = _mailboxes.Find(id);
        if (current is not null && current.Source != _source)
        {
            if (_warnedOwners.TryAdd(id, 0))
            {
                SpoolLog.OwnedByOther(_logger, _name, id, current.Source.ToString());
            }

            return;
        }

        if (counts is null)
        {
            if (current is null)
            {
                return;
            }

            var deleted = await _mailboxes.DeleteAsync(id, _source, cancellationToken).ConfigureAwait(false);
            if (deleted.Status == MailboxWriteStatus.Changed)
            {
                SpoolLog.Deleted(_logger, _name, id);
            }

            return;
        }

        if (current is not null && current.Counts == counts)
        {
            return;
        }

        var result = await _mailboxes.UpdateAsync(id, _source, MailboxUpdate.Replace(counts), null, cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case MailboxWriteStatus.Changed:
                SpoolLog.Counted(_logger, _name, id, counts.Voice.New, counts.Voice.Old, counts.Voice.UrgentNew);
                break;
            case MailboxWriteStatus.Unchanged:
                break;
            case MailboxWriteStatus.OwnedByOther:
                if (_warnedOwners.TryAdd(id, 0))
                {
                    SpoolLog.OwnedByOther(_logger, _name, id, result.Mailbox?.Source.ToString() ?? "another source");
                }

                break;
            default:
                SpoolLog.WriteFailed(_logger, _name, id, result.Status, result.Error);
                break;
        }
    }

    private static IEnumerable<string> EnumerateFolders(string folder)
    {
        try
        {
            return Directory.EnumerateDirectories(folder);
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => MarkDirty(e.FullPath);

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        MarkDirty(e.OldFullPath);
        MarkDirty(e.FullPath);
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        SpoolLog.WatcherError(_logger, e.GetException(), _name);
        Interlocked.Exchange(ref _rescanRequested, 1);
        _wake.Writer.TryWrite(true);
    }

    private void MarkDirty(string fullPath)
    {
        var relative = Path.GetRelativePath(_root, fullPath).AsSpan();
        var slash = relative.IndexOf(Path.DirectorySeparatorChar);
        if (relative.StartsWith("..") || relative.IsEmpty)
        {
            return;
        }

        if (slash < 0)
        {
            // A context folder appeared, went or was renamed as a whole: its mailboxes have no events of their own.
            Interlocked.Exchange(ref _rescanRequested, 1);
        }
        else
        {
            var rest = relative[(slash + 1)..];
            var end = rest.IndexOf(Path.DirectorySeparatorChar);
            var mailbox = end < 0 ? rest : rest[..end];
            _dirty[(relative[..slash].ToString(), mailbox.ToString())] = _time.GetUtcNow().UtcTicks;
        }

        _wake.Writer.TryWrite(true);
    }
}
