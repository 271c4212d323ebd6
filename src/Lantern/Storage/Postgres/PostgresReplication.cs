using System.Globalization;
using System.Threading.Channels;
using Lantern.Mailboxes;
using Npgsql;

namespace Lantern.Storage.Postgres;

/// <summary>Follows other nodes' commits: LISTENs on <see cref="PostgresStore.Channel"/> and reloads each notified mailbox into the replica.</summary>
/// <remarks>Payloads are <c>"&lt;node&gt; &lt;change id&gt; &lt;mailbox id&gt;"</c> or <c>"&lt;node&gt; &lt;change id&gt; *"</c> (reload all);
/// the change id is the one the commit drew, published as the SSE id on every node. After every (re)connect, and whenever
/// notifications were dropped, failed to apply or came in another form (an older node), the whole state is reconciled, since
/// NOTIFYs sent while not listening are lost.</remarks>
internal sealed class PostgresReplication : IAsyncDisposable
{
    private const string Everything = "*";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly PostgresStore _store;
    private readonly PostgresMailboxRepository _repository;
    private readonly IMailboxReplica _replica;
    private readonly ILogger _logger;
    private readonly Channel<string> _payloads = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _missed;
    private Task _listen = Task.CompletedTask;
    private Task _apply = Task.CompletedTask;

    public PostgresReplication(PostgresStore store, PostgresMailboxRepository repository, IMailboxReplica replica, ILogger logger)
    {
        _store = store;
        _repository = repository;
        _replica = replica;
        _logger = logger;
    }

    public void Start()
    {
        _listen = Task.Run(ListenLoopAsync, CancellationToken.None);
        _apply = Task.Run(ApplyLoopAsync, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _payloads.Writer.TryComplete();
        await Task.WhenAll(_listen, _apply).ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Enqueue(string payload)
    {
        if (!_payloads.Writer.TryWrite(payload))
        {
            _missed = true;
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PostgresStore.RecordsChannel)
        {
            _store.RecordStore.OnMoved(e.Payload);
            return;
        }

        Enqueue(e.Payload);
    }

    private async Task ListenLoopAsync()
    {
        var token = _stop.Token;
        var first = true;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.OpenAsync(token).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await PostgresStore.ExecAsync(connection, null, $"LISTEN {PostgresStore.Channel}; LISTEN {PostgresStore.RecordsChannel}", token).ConfigureAwait(false);
                Enqueue(Everything + " " + Everything);
                if (!first)
                {
                    // Records moved while nobody listened: the phones layer checks what it still owns.
                    _store.RecordStore.ReleasesMissed?.Invoke();
                }

                first = false;
                while (true)
                {
                    await connection.WaitAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                StorageLog.ReplicationFailed(_logger, _store.Description, ex);
                try
                {
                    await Task.Delay(RetryDelay, TimeProvider.System, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ApplyLoopAsync()
    {
        var token = _stop.Token;
        try
        {
            await foreach (var payload in _payloads.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                try
                {
                    await ApplyAsync(payload, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next payload reconciles everything, repairing whatever this one failed to apply.
                    StorageLog.ReplicationFailed(_logger, _store.Description, ex);
                    _missed = true;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(string payload, CancellationToken token)
    {
        var first = payload.IndexOf(' ', StringComparison.Ordinal);
        var second = first < 0 ? -1 : payload.IndexOf(' ', first + 1);
        if (_missed || second < 0
            || !long.TryParse(payload.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var changeId)
            || changeId <= 0)
        {
            _missed = false;
            await _replica.ReconcileAsync(_repository.LoadAllAsync, 0, token).ConfigureAwait(false);
            return;
        }

        var what = payload.AsSpan(second + 1);
        if (what.SequenceEqual(Everything))
        {
            await _replica.ReconcileAsync(_repository.LoadAllAsync, changeId, token).ConfigureAwait(false);
            return;
        }

        // Our own commits were published with their ids when they committed.
        if (!payload.AsSpan(0, first).SequenceEqual(_store.NodeId) && MailboxId.TryParse(what.ToString(), out var id, out _))
        {
            await _replica.RefreshAsync(id, changeId, _repository.LoadOneAsync, token).ConfigureAwait(false);
        }
    }
}
