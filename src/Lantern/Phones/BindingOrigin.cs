namespace Lantern.Phones;

/// <summary>Where a contact binding came from.</summary>
internal enum BindingOrigin
{
    /// <summary>A REGISTER from the phone.</summary>
    Register = 0,

    /// <summary>The endpoint's static <c>contacts</c> in the configuration.</summary>
    Static = 1,

    /// <summary><c>PUT /api/v1/endpoints/{id}/contacts</c>, where another server is the registrar.</summary>
    Api = 2,
}
