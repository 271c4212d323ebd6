namespace Lantern.Ami;

/// <summary>Counts connections that have not logged in yet, against <c>ami.authLimit</c>.</summary>
internal sealed class AmiAnonymousSessions(int limit)
{
    private int _count;

    public int Limit => limit;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _count) <= limit || limit <= 0)
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _count);
}
