using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Transactions;

/// <summary>Runs posted work one item at a time, on whichever thread posted while it was idle: the serial owner of a shard of
/// protocol state. Two lanes: work that finishes what is already under way (responses, in-dialog requests, timers) runs before
/// new work (requests that would start a dialog or binding), in order within each lane; under overload new work waits and is
/// refused, while the work that completes dialogs keeps moving. The lock guards only the queues; work never runs under it.</summary>
internal sealed class SerialExecutor
{
    private readonly Queue<Action> _queue = new();
    private readonly Queue<(Action Work, long Since)> _new = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly ILogger _logger;
    private bool _running;

    public SerialExecutor(int capacity, ILogger logger)
    {
        _capacity = capacity;
        _logger = logger;
    }

    /// <summary>Items waiting in both lanes.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count + _new.Count;
            }
        }
    }

    /// <summary>Queues work that continues what is under way (running it now if idle). With <paramref name="bounded"/>,
    /// refuses when both lanes together hold the capacity.</summary>
    public bool TryPost(Action work, bool bounded = false) => Post(work, bounded, _queue);

    /// <summary>Queues new work behind everything in the first lane; refuses when both lanes together hold the capacity.</summary>
    public bool TryPostNew(Action work) => TryPostNew(work, 0, 0, 0) == NewWorkAdmission.Queued;

    /// <summary>Queues new work arriving at <paramref name="now"/> (timestamp ticks) behind everything in the first lane. Refuses
    /// it when both lanes hold the capacity, or when the oldest new work still waiting has waited longer than
    /// <paramref name="maxWaitTicks"/> (0: no bound) while at least <paramref name="minPending"/> items wait: this one would
    /// wait longer still, and refusing it now costs nothing, where refusing it at its turn would have cost that wait.</summary>
    public NewWorkAdmission TryPostNew(Action work, long now, long maxWaitTicks, int minPending)
    {
        lock (_gate)
        {
            var pending = _queue.Count + _new.Count;
            if (pending >= _capacity)
            {
                return NewWorkAdmission.Full;
            }

            if (maxWaitTicks > 0 && pending >= minPending && _new.TryPeek(out var oldest) && now - oldest.Since > maxWaitTicks)
            {
                return NewWorkAdmission.Behind;
            }

            _new.Enqueue((work, now));
            if (_running)
            {
                return NewWorkAdmission.Queued;
            }

            _running = true;
        }

        Drain();
        return NewWorkAdmission.Queued;
    }

    private bool Post(Action work, bool bounded, Queue<Action> lane)
    {
        lock (_gate)
        {
            if (bounded && _queue.Count + _new.Count >= _capacity)
            {
                return false;
            }

            lane.Enqueue(work);
            if (_running)
            {
                return true;
            }

            _running = true;
        }

        Drain();
        return true;
    }

    private void Drain()
    {
        while (true)
        {
            Action work;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out work!))
                {
                    if (!_new.TryDequeue(out var next))
                    {
                        _running = false;
                        return;
                    }

                    work = next.Work;
                }
            }

            try
            {
                work();
            }
#pragma warning disable CA1031 // One faulty event must not stop the shard; it is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SipTransactionLog.WorkFailed(_logger, ex);
            }
        }
    }
}
