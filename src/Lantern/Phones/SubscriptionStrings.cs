namespace Lantern.Phones;

/// <summary>One instance of the dialog values that many subscriptions repeat (the proxy or phone address, our Contact, an
/// empty route set), so 100,000 subscriptions do not hold 100,000 copies of "10.0.0.1". Bounded: values seen after
/// <see cref="Capacity"/> distinct ones are kept as they come. Used under the subscription manager's lock.</summary>
internal sealed class SubscriptionStrings
{
    /// <summary>Enough for every proxy, SBC and local Contact a deployment has; per-phone addresses beyond it are not shared anyway.</summary>
    public const int Capacity = 4096;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public int Count => _values.Count;

    /// <summary>The dialog with its repeated values replaced by shared instances (the same dialog when nothing changes).</summary>
    public SubscriptionDialog Share(SubscriptionDialog dialog)
    {
        var address = Share(dialog.RemoteAddress);
        var contact = Share(dialog.LocalContact);
        var routes = dialog.RouteSet.Count == 0 ? [] : dialog.RouteSet;
        return ReferenceEquals(address, dialog.RemoteAddress) && ReferenceEquals(contact, dialog.LocalContact) && ReferenceEquals(routes, dialog.RouteSet)
            ? dialog
            : dialog with { RemoteAddress = address, LocalContact = contact, RouteSet = routes };
    }

    public string Share(string value)
    {
        if (_values.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (_values.Count < Capacity)
        {
            _values.Add(value, value);
        }

        return value;
    }
}
