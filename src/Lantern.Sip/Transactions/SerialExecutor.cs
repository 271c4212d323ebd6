using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Transactions;

/// <summary>Runs posted work one item at a time, on whichever thread posted while it was idle: the serial owner of a shard of
/// protocol state. Two lanes: work that finishes what is already under way (responses, in-dialog requests, timers) runs before
/// new work (requests that would start a dialog or binding), in order within each lane; under overload new work waits and is
/// refused, while the work that completes dialogs keeps moving. The lock guards only the queues; work never runs under it.</summary>
internal sealed class SerialExecutor
{
    // Each item is an Action or an ISipShardWork: objects that post themselves cost no delegate per post.
    private readonly Queue<object> _queue = new();
    private readonly Queue<object> _new = new();
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

    /// <summary>As <see cref="TryPost(Action, bool)"/>, for an object that runs itself.</summary>
    public bool TryPost(ISipShardWork work, bool bounded = false) => Post(work, bounded, _queue);

    /// <summary>Queues new work behind everything in the first lane; refuses when both lanes together hold the capacity.</summary>
    public bool TryPostNew(Action work) => Post(work, bounded: true, _new);

    private bool Post(object work, bool bounded, Queue<object> lane)
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
            object work;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out work!) && !_new.TryDequeue(out work!))
                {
                    _running = false;
                    return;
                }
            }

            try
            {
                if (work is Action action)
                {
                    action();
                }
                else
                {
                    ((ISipShardWork)work).RunOnShard();
                }
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
