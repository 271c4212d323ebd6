namespace Lantern.Phones;

/// <summary>Told about binding changes (by the unsolicited NOTIFY scheduler); called outside the registrar's lock.</summary>
internal interface IContactBindingListener
{
    /// <summary>A REGISTER created or refreshed the binding, and its <c>200</c> is not sent yet: nothing may be sent to the contact
    /// until <see cref="OnBound"/> follows (a phone may refuse a NOTIFY that arrives before its registration completes).</summary>
    void OnAwaitingAnswer(ContactBinding binding);

    /// <summary>A binding was created (<paramref name="isNew"/>) or refreshed by a re-REGISTER (after its <c>200</c> was sent),
    /// by the API or by the configuration.</summary>
    void OnBound(ContactBinding binding, bool isNew);

    /// <summary>A binding was removed (expired, unregistered, replaced, endpoint removed).</summary>
    void OnUnbound(ContactBinding binding);
}
