namespace Lantern.Sip.Transactions;

/// <summary>What <see cref="SerialExecutor.TryPostNew(System.Action, long, long, int)"/> did with new work.</summary>
internal enum NewWorkAdmission
{
    /// <summary>Queued (or run at once on an idle executor).</summary>
    Queued,

    /// <summary>Refused: both lanes hold the capacity.</summary>
    Full,

    /// <summary>Refused: the oldest new work waiting has already waited past the bound, so this would wait longer still.</summary>
    Behind,
}
