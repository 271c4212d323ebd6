namespace Lantern.Phones;

/// <summary>The registrar's answer to a REGISTER.</summary>
internal enum RegisterStatus
{
    /// <summary>200 listing every current binding.</summary>
    Ok = 0,

    /// <summary>423 with Min-Expires; nothing changed.</summary>
    IntervalTooBrief = 1,

    /// <summary>400 with the reason; nothing changed.</summary>
    BadRequest = 2,

    /// <summary>503 with Retry-After: the registration table is full.</summary>
    Overloaded = 3,

    /// <summary>403 with the reason: the request alone names more new contacts than the endpoint's <c>maxContacts</c>.</summary>
    TooManyContacts = 4,
}
