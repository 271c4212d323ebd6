namespace Lantern.Api;

/// <summary>Why one item of a batch request was refused.</summary>
internal sealed record ApiItemError(int Index, string Reason);
