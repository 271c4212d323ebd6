using System.Diagnostics.Metrics;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Status;
using Lantern.Storage;

namespace Lantern.Phones;

/// <summary>The SIP-free core of the phones layer: endpoint directory, subscriptions, registrar, unsolicited NOTIFY, storage and
/// the change-feed consumer, behind one <see cref="StartAsync(bool, CancellationToken)"/>/<see cref="StopAsync"/>. The SIP handlers sit on top of it.</summary>
internal sealed class PhonesService : IAsyncDisposable
{
    private readonly IMailboxService _mailboxes;
    private readonly IRecordStore? _store;
    private readonly PhoneRecordWriter? _writer;
    private readonly PhonesMetrics _metrics;
    private readonly ClusterOwnership? _ownership;
    private readonly CancellationTokenSource _stopping = new();
    private EndpointDirectory _directory;
    private Task? _feedLoop;

    public PhonesService(
        IMwiNotifySender sender,
        IMailboxService mailboxes,
        PhonesSettings settings,
        EndpointDirectory directory,
        IRecordStore? store,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _mailboxes = mailboxes;
        _store = store;
        _directory = directory;
        Settings = settings;
        var logger = loggerFactory.CreateLogger("Lantern.Phones");
        Logger = logger;
        _metrics = new PhonesMetrics(meterFactory);
        _writer = store is null ? null : new PhoneRecordWriter(store, logger, time);
        Subscriptions = new SubscriptionManager(sender, mailboxes, settings, _writer, time, _metrics, logger);
        Registrar = new Registrar(settings, _writer, time, _metrics, logger);
        Unsolicited = new UnsolicitedNotifier(sender, mailboxes, Registrar, Subscriptions.IsCovered, settings, time, _metrics, logger);
        Registrar.Listener = Unsolicited;
        Registrar.Connections = Connections;
        Subscriptions.Connections = Connections;
        Subscriptions.CoverageEnded = Unsolicited.OnCoverageEnded;
        Unsolicited.ApplyDirectory(directory);
        if (store is IRecordOwnership ownership)
        {
            _ownership = new ClusterOwnership(store, ownership, this, time, logger);
        }

        Status = new PhonesStatus(() => Directory, Registrar, Subscriptions, Unsolicited);
        _metrics.ObserveTables(() => Subscriptions.Count, () => Registrar.Count, () => Subscriptions.NotifiesInFlight + Unsolicited.InFlight);
        _metrics.ObserveStore(() => PendingWrites, StoreDelay);
    }

    public PhonesSettings Settings { get; }

    /// <summary>Lease and takeover in cluster mode; null with a single-node store.</summary>
    public ClusterOwnership? Ownership => _ownership;

    /// <summary>Per-connection use by live subscriptions and bindings; the host points its mark at the transport.</summary>
    public ConnectionUse Connections { get; } = new();

    /// <summary>The endpoints in effect (replaced whole by <see cref="ApplyEndpoints"/>).</summary>
    public EndpointDirectory Directory => Volatile.Read(ref _directory);

    public SubscriptionManager Subscriptions { get; }

    public Registrar Registrar { get; }

    public UnsolicitedNotifier Unsolicited { get; }

    /// <summary>Read model and API contact writer (register as <see cref="IEndpointStatusReader"/> and <see cref="IEndpointContactWriter"/>).</summary>
    public PhonesStatus Status { get; }

    /// <summary>Records queued for the store and not yet written.</summary>
    public int PendingWrites => _writer?.Pending ?? 0;

    /// <summary>Age of the oldest subscription or binding write not yet committed (zero without a store).</summary>
    public TimeSpan StoreDelay() => _writer?.Delay() ?? TimeSpan.Zero;

    /// <summary>True once every subscription and binding write queued so far is committed; false when the commit failed or
    /// the store stalled past <see cref="PhoneRecordWriter.WaitLimit"/>.</summary>
    private static readonly Task<bool> Stored = Task.FromResult(true);

    public Task<bool> WhenStored() => _writer?.WhenCommitted() ?? Stored;

    /// <summary>As <see cref="WhenStored()"/>, calling <paramref name="callback"/> with <paramref name="state"/> and the
    /// outcome instead of completing a task (see <see cref="PhoneRecordWriter.OnCommitted"/>).</summary>
    public void WhenStored(Action<object, bool> callback, object state)
    {
        if (_writer is null)
        {
            callback(state, true);
        }
        else
        {
            _writer.OnCommitted(callback, state);
        }
    }

    /// <summary>The phones layer's logger, for its SIP handlers.</summary>
    internal ILogger Logger { get; }

    /// <summary>Cluster mode: an in-dialog request for a subscription this node does not have (the load balancer sent the phone
    /// here) moves the dialog here: the stored record becomes this node's whoever owned it, since the phone's own request is
    /// the best evidence of where it is (decision 0023). False when there is no such subscription or no cluster.</summary>
    public async ValueTask<bool> ClaimSubscriptionAsync(string key, CancellationToken cancellationToken)
    {
        if (_store is not IRecordOwnership ownership)
        {
            return false;
        }

        var record = await ownership.ClaimAsync(SubscriptionManager.RecordKind, key, cancellationToken);
        return record is not null && Subscriptions.Adopt([record], Directory, notify: false) > 0;
    }

    /// <summary>Restores stored bindings and subscriptions and starts consuming the change feed; unless
    /// <paramref name="deferNotifications"/>, also <see cref="BeginNotifying"/> (hosts defer it until the transports run).</summary>
    public async Task StartAsync(bool deferNotifications, CancellationToken cancellationToken)
    {
        var directory = Directory;
        Unsolicited.Hold();
        if (_ownership is not null)
        {
            // Before loading: what this node loads is what it owns, the records of dead nodes included.
            await _ownership.JoinAsync(cancellationToken);
        }

        if (_store is not null)
        {
            await Registrar.RestoreAsync(_store, directory, cancellationToken);
        }

        Registrar.ApplyDirectory(directory);
        if (_store is not null)
        {
            await Subscriptions.RestoreAsync(_store, directory, cancellationToken);
        }

        _writer?.Start();
        var reader = _mailboxes.Changes.Subscribe();
        _feedLoop = Task.Run(() => RunChangeFeedAsync(reader, _stopping.Token), CancellationToken.None);
        if (!deferNotifications)
        {
            BeginNotifying();
        }
    }

    /// <summary>Starts and sends the held-back NOTIFYs at once (tests, hosts without deferred start).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => StartAsync(deferNotifications: false, cancellationToken);

    /// <summary>Sends the restored subscriptions their NOTIFY and schedules the start-up unsolicited NOTIFYs (spread over the window).</summary>
    public void BeginNotifying()
    {
        Subscriptions.ResumeRestored();
        Unsolicited.ScheduleStartup();
        _ownership?.Start();
    }

    /// <summary>Applies a reloaded configuration: removed endpoints lose their subscriptions (<c>terminated;reason=deactivated</c>) and
    /// bindings; endpoints whose mailboxes or presentation changed get <c>deactivated</c> too, so their phones re-subscribe.</summary>
    public void ApplyEndpoints(EndpointDirectory next)
    {
        var previous = Interlocked.Exchange(ref _directory, next);
        foreach (var old in previous.Endpoints)
        {
            var now = next.Find(old.Id);
            if (now is null || !SameView(old, now))
            {
                Subscriptions.TerminateEndpoint(old.Id, "deactivated");
            }
        }

        Registrar.ApplyDirectory(next);
        Unsolicited.ApplyDirectory(next);
    }

    /// <summary>Stops sending and consuming; live subscriptions and bindings stay in the store to resume at the next start.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_ownership is not null)
        {
            await _ownership.DisposeAsync();
        }

        if (_feedLoop is not null)
        {
            await _feedLoop.WaitAsync(cancellationToken);
        }

        await Subscriptions.DisposeAsync();
        await Unsolicited.DisposeAsync();
        Registrar.Dispose();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }

    /// <summary>Waits until every queued store write is committed (tests, orderly shutdown).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _writer?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None);
        }

        _metrics.Dispose();
    }

    private async Task RunChangeFeedAsync(IMailboxChangeReader reader, CancellationToken cancellationToken)
    {
        using (reader)
        {
            while (true)
            {
                MailboxChange change;
                try
                {
                    change = await reader.ReadAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (change.Kind == MailboxChangeKind.Deleted)
                {
                    Subscriptions.OnMailboxDeleted(change.Mailbox.Id);
                }
                else
                {
                    Subscriptions.OnMailboxChanged(change.Mailbox.Id);
                }

                Unsolicited.OnMailboxChanged(change.Mailbox.Id);
            }
        }
    }

    private static bool SameView(PhoneEndpoint a, PhoneEndpoint b) =>
        a.Aggregate == b.Aggregate
        && a.OmitUrgent == b.OmitUrgent
        && a.VoicemailExtension == b.VoicemailExtension
        && a.Mailboxes.SequenceEqual(b.Mailboxes);

    /// <summary>Settings and directory from a validated configuration.</summary>
    public static (PhonesSettings Settings, EndpointDirectory Directory) FromOptions(LanternOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (PhonesSettings.From(options), EndpointDirectory.FromOptions(options.Endpoints));
    }
}
