namespace Lantern.Phones;

/// <summary>The registrar's decision: status, the bindings to list in a 200, and the values for 423/400/503. <paramref name="Bound"/>
/// holds the bindings the REGISTER created or refreshed, for <see cref="Registrar.Announce"/> once the 200 is sent.</summary>
internal sealed record RegisterOutcome(
    RegisterStatus Status,
    IReadOnlyList<ContactBinding> Bindings,
    string Reason = "",
    int MinExpires = 0,
    int RetryAfterSeconds = 0,
    IReadOnlyList<(ContactBinding Binding, bool IsNew)>? Bound = null);
