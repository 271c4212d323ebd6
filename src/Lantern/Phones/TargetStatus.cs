namespace Lantern.Phones;

/// <summary>How a Request-URI user part resolved.</summary>
internal enum TargetStatus
{
    Found = 0,

    /// <summary>The target exists but is not the endpoint's: 403.</summary>
    Forbidden = 1,

    /// <summary>Nothing by that name: 404.</summary>
    NotFound = 2,
}
