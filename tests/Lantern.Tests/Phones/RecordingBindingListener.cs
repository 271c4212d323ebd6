using Lantern.Phones;

namespace Lantern.Tests.Phones;

/// <summary>Records binding events from the registrar.</summary>
internal sealed class RecordingBindingListener : IContactBindingListener
{
    public List<(ContactBinding Binding, bool IsNew)> Bound { get; } = [];

    public List<ContactBinding> Unbound { get; } = [];

    public List<ContactBinding> AwaitingAnswer { get; } = [];

    public void OnAwaitingAnswer(ContactBinding binding) => AwaitingAnswer.Add(binding);

    public void OnBound(ContactBinding binding, bool isNew) => Bound.Add((binding, isNew));

    public void OnUnbound(ContactBinding binding) => Unbound.Add(binding);
}
