using Lantern.Sip.Transport;

namespace Lantern.Sip.Transactions;

/// <summary>The part of an INVITE server transaction (RFC 3261 §17.2.1) Lantern needs: a final non-2xx response resent on
/// Timer G (UDP) and on retransmitted INVITEs, until the ACK (then Timer I) or Timer H.</summary>
internal sealed class SipInviteServerTransaction
{
    private readonly SipTransactionShard _shard;
    private readonly SipTransactionContext _context;
    private readonly ReadOnlyMemory<byte> _response;
    private readonly SipDestination _destination;
    private SipScheduledTimer? _timerG;
    private SipScheduledTimer? _timerH;
    private SipScheduledTimer? _timerI;
    private TimeSpan _gInterval;

    public SipInviteServerTransaction(SipTransactionShard shard, SipTransactionContext context, SipServerKey key, ReadOnlyMemory<byte> finalResponse, SipDestination destination)
    {
        _shard = shard;
        _context = context;
        Key = key;
        _response = finalResponse;
        _destination = destination;
    }

    public SipServerKey Key { get; }

    public SipTransactionState State { get; private set; } = SipTransactionState.Completed;

    public bool AckReceived => State is SipTransactionState.Confirmed;

    public void Start()
    {
        _shard.Invites[Key] = this;
        Send();
        if (!SipTransactionContext.IsReliable(_destination.Transport))
        {
            _gInterval = _context.Values.T1;
            _timerG = _context.Schedule(_shard, _gInterval, OnTimerG);
        }

        _timerH = _context.Schedule(_shard, _context.Values.TimeoutInterval, Terminate);
    }

    public void OnRetransmission()
    {
        if (State == SipTransactionState.Completed)
        {
            Send();
        }
    }

    public void OnAck()
    {
        if (State != SipTransactionState.Completed)
        {
            return;
        }

        State = SipTransactionState.Confirmed;
        _timerG?.Cancel();
        _timerH?.Cancel();
        if (SipTransactionContext.IsReliable(_destination.Transport))
        {
            Terminate();
        }
        else
        {
            _timerI = _context.Schedule(_shard, _context.Values.T4, Terminate);
        }
    }

    private void OnTimerG()
    {
        if (State != SipTransactionState.Completed)
        {
            return;
        }

        Send();
        _gInterval = TimeSpan.FromTicks(Math.Min(_gInterval.Ticks * 2, _context.Values.T2.Ticks));
        _timerG = _context.Schedule(_shard, _gInterval, OnTimerG);
    }

    private void Send() => _context.Send(_shard, _response, _destination, static (s, r) =>
    {
        if (!r.Succeeded)
        {
            var tx = (SipInviteServerTransaction)s;
            SipTransactionLog.ResponseSendFailed(tx._context.Logger, r.Error);
            tx.Terminate();
        }
    }, this);

    private void Terminate()
    {
        if (State == SipTransactionState.Terminated)
        {
            return;
        }

        State = SipTransactionState.Terminated;
        _timerG?.Cancel();
        _timerH?.Cancel();
        _timerI?.Cancel();
        if (_shard.Invites.TryGetValue(Key, out var current) && ReferenceEquals(current, this))
        {
            _shard.Invites.Remove(Key);
        }
    }
}
