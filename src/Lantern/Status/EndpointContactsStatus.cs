namespace Lantern.Status;

/// <summary>Outcome of setting an endpoint's contacts through the API.</summary>
public enum EndpointContactsStatus
{
    /// <summary>Applied: 200 with the endpoint's contacts.</summary>
    Ok = 0,

    /// <summary>No such endpoint: 404.</summary>
    NotFound = 1,

    /// <summary>A contact is invalid: 400 naming it; nothing changed.</summary>
    Invalid = 2,

    /// <summary>The registration table is full: 503.</summary>
    Full = 3,
}
