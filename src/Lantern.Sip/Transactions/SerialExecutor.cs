using Microsoft.Extensions.Logging;

namespace Lantern.Sip.Transactions;

/// <summary>Runs posted work one item at a time, in order, on whichever thread posted while it was idle: the serial owner of a
/// shard of protocol state. The lock guards only the queue; work never runs under it.</summary>
internal sealed class SerialExecutor
{
    private readonly Queue<Action> _queue = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly ILogger _logger;
    private bool _running;

    public SerialExecutor(int capacity, ILogger logger)
    {
        _capacity = capacity;
        _logger = logger;
    }

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues work (running it now if idle). With <paramref name="bounded"/>, refuses when the queue is at capacity.</summary>
    public bool TryPost(Action work, bool bounded = false)
    {
        lock (_gate)
        {
            if (bounded && _queue.Count >= _capacity)
            {
                return false;
            }

            _queue.Enqueue(work);
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
                    _running = false;
                    return;
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
