using QRCoder;

namespace FeedProxy.Pages;

/// <summary>A QR code as inline SVG: no image request, nothing for the CSP to allow.</summary>
internal static class QrCodeSvg
{
    public static string Create(string text)
    {
        using var generator = new QRCodeGenerator();
        // Level M survives a smudged or small screen and keeps long filtered URLs scannable.
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }
}
