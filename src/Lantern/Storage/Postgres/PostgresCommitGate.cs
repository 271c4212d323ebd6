namespace Lantern.Storage.Postgres;

/// <summary>Decides, once, between a write sending its COMMIT and its caller giving up on it, so a caller told "nothing
/// was written" is never contradicted by a COMMIT sent later by the abandoned operation.</summary>
internal sealed class PostgresCommitGate
{
    private const int Running = 0;
    private const int Committing = 1;
    private const int Abandoned = 2;

    private int _state;

    /// <summary>The change id the transaction drew, set before <see cref="TryCommit"/>: the SSE id of the write if an
    /// uncertain commit turns out stored.</summary>
    public long ChangeId { get; set; }

    /// <summary>True when the operation may send COMMIT (its caller still waits); false once the caller gave up.</summary>
    public bool TryCommit() => Interlocked.CompareExchange(ref _state, Committing, Running) == Running;

    /// <summary>True when the operation will never send COMMIT now; false when it already did (the outcome is uncertain).</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Running) != Committing;
}
