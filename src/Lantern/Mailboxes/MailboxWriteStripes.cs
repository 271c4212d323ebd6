namespace Lantern.Mailboxes;

/// <summary>A fixed set of async locks; each mailbox maps to one by hash, so writes to one mailbox are serial
/// while different mailboxes proceed in parallel, with memory bounded by the stripe count, not the mailbox count.</summary>
internal sealed class MailboxWriteStripes : IDisposable
{
    private readonly SemaphoreSlim[] _stripes;

    public MailboxWriteStripes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _stripes = new SemaphoreSlim[count];
        for (var i = 0; i < count; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public int Count => _stripes.Length;

    public int IndexOf(MailboxId id) => (int)((uint)id.GetHashCode() % (uint)_stripes.Length);

    public ValueTask EnterAsync(int index, CancellationToken cancellationToken)
    {
        var stripe = _stripes[index];
        return stripe.Wait(0, CancellationToken.None) ? ValueTask.CompletedTask : new ValueTask(stripe.WaitAsync(cancellationToken));
    }

    public void Exit(int index) => _stripes[index].Release();

    /// <summary>Enters several stripes in ascending order (the one global order, so two batches never deadlock).</summary>
    public async ValueTask<int[]> EnterManyAsync(IEnumerable<MailboxId> ids, CancellationToken cancellationToken)
    {
        var wanted = new SortedSet<int>();
        foreach (var id in ids)
        {
            wanted.Add(IndexOf(id));
            if (wanted.Count == _stripes.Length)
            {
                break;
            }
        }

        var held = new int[wanted.Count];
        var n = 0;
        try
        {
            foreach (var index in wanted)
            {
                await EnterAsync(index, cancellationToken).ConfigureAwait(false);
                held[n++] = index;
            }
        }
        catch
        {
            ExitMany(held.AsSpan(0, n));
            throw;
        }

        return held;
    }

    public void ExitMany(ReadOnlySpan<int> held)
    {
        foreach (var index in held)
        {
            _stripes[index].Release();
        }
    }

    public void Dispose()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Dispose();
        }
    }
}
