namespace Lantern.Phones;

/// <summary>The outcome of resolving a Request-URI user part: a target, or the status to answer with and a reason phrase.</summary>
internal readonly record struct TargetResolution(TargetStatus Status, MwiTarget? Target, string Reason)
{
    public static TargetResolution Found(MwiTarget target) => new(TargetStatus.Found, target, string.Empty);

    public static TargetResolution Forbidden(string reason) => new(TargetStatus.Forbidden, null, reason);

    public static TargetResolution NotFound(string reason) => new(TargetStatus.NotFound, null, reason);
}
