using System.Threading.Channels;
using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>Writes subscription and binding records in the background, coalescing per key: the newest put or delete of a key wins,
/// so the SIP path never waits for the store and a busy key costs one write per batch. Batches are taken at most every
/// <see cref="BatchInterval"/>, and a record created and deleted within one batch never reaches the store at all.</summary>
internal sealed class PhoneRecordWriter : IAsyncDisposable
{
    private readonly IRecordStore _store;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Kind, string Key), PendingWrite> _pending = [];
    private readonly HashSet<(string Kind, string Key)> _stored = [];
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private Task? _loop;

    public PhoneRecordWriter(IRecordStore store, ILogger logger, TimeProvider? time = null)
    {
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Least time between two batches: short-lived subscriptions (fetches, load tests) then cost no write.</summary>
    public static TimeSpan BatchInterval { get; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Writes queued so far and not yet committed.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    public void Put(string kind, string key, string payload, DateTimeOffset? expiresAt) => Enqueue(kind, key, new PendingWrite(payload, null, null, expiresAt));

    /// <summary>A put whose payload is made when the batch is written, from the newest state of <paramref name="state"/>: under a
    /// subscription storm the writer lags, and payloads made up front (about 1 KiB each) would wait long enough to reach gen2
    /// and stay there as garbage.</summary>
    public void Put(string kind, string key, object state, Func<object, string> serialize, DateTimeOffset? expiresAt) =>
        Enqueue(kind, key, new PendingWrite(null, state, serialize, expiresAt));

    public void Delete(string kind, string key) => Enqueue(kind, key, new PendingWrite(null, null, null, null));

    /// <summary>Commits everything queued so far (used at shutdown and by tests).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            List<KeyValuePair<(string Kind, string Key), PendingWrite>> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = [.. _pending];
                _pending.Clear();
            }

            foreach (var (k, w) in batch)
            {
                try
                {
                    if (w.IsDelete)
                    {
                        await _store.DeleteAsync(k.Kind, k.Key, cancellationToken);
                        lock (_gate)
                        {
                            _stored.Remove(k);
                        }
                    }
                    else
                    {
                        await _store.PutAsync(new StoredRecord(k.Kind, k.Key, w.Payload ?? w.Serialize!(w.State!), w.ExpiresAt), cancellationToken);
                        lock (_gate)
                        {
                            _stored.Add(k);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    throw;
                }
#pragma warning disable CA1031 // A store failure must not stop the writer; the record is written again on its next change.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    PhonesLog.StoreWriteFailed(_logger, k.Kind, k.Key, ex);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await FlushAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The store is too slow at shutdown; what is lost is soft state the phones re-create.
        }

        _stop.Dispose();
    }

    /// <summary>Marks records found in the store at start-up, so deleting them is not skipped.</summary>
    public void MarkStored(string kind, string key)
    {
        lock (_gate)
        {
            _stored.Add((kind, key));
        }
    }

    private void Enqueue(string kind, string key, PendingWrite write)
    {
        lock (_gate)
        {
            if (write.IsDelete && !_stored.Contains((kind, key)))
            {
                // Never committed: dropping the pending put is the whole delete.
                _pending.Remove((kind, key));
                return;
            }

            _pending[(kind, key)] = write;
        }

        _signal.Writer.TryWrite(true);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await _signal.Reader.WaitToReadAsync(cancellationToken))
        {
            await Task.Delay(BatchInterval, _time, cancellationToken);
            _signal.Reader.TryRead(out _);
            await FlushAsync(cancellationToken);
        }
    }

    private readonly record struct PendingWrite(string? Payload, object? State, Func<object, string>? Serialize, DateTimeOffset? ExpiresAt)
    {
        public bool IsDelete => Payload is null && Serialize is null;
    }
}
