namespace Lantern.Phones;

/// <summary>Told about binding changes (by the unsolicited NOTIFY scheduler); called outside the registrar's lock.</summary>
internal interface IContactBindingListener
{
    /// <summary>A binding was created (<paramref name="isNew"/>) or refreshed by a re-REGISTER.</summary>
    void OnBound(ContactBinding binding, bool isNew);

    /// <summary>A binding was removed (expired, unregistered, replaced, endpoint removed).</summary>
    void OnUnbound(ContactBinding binding);
}
