"""A photo uploaded in the dashboard is served as responsive images: WebP with the upload's own
format as fallback, srcset at 1x and 2x, width and height, the first eager and the rest lazy."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model
from PIL import Image

ProductImage = get_model("catalogue", "ProductImage")


def jpeg(size=(3000, 3000), colour=(120, 160, 120)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("jar-photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_an_uploaded_3000px_photo_is_served_with_srcset(client, store):
    ProductImage.objects.filter(product=store).delete()
    ProductImage.objects.create(product=store, original=jpeg(), caption="The jar", display_order=0)
    ProductImage.objects.create(
        product=store, original=jpeg(colour=(200, 200, 180)), caption="Open", display_order=1
    )
    page = client.get(store.get_absolute_url()).content.decode()
    pictures = re.findall(r"<picture>.*?</picture>", page, re.S)
    assert len(pictures) == 2
    first, second = pictures
    webp = re.search(r'<source type="image/webp"\s+srcset="([^"]+)"', first).group(1)
    assert re.fullmatch(r"\S+\.webp 480w, \S+\.webp 960w", webp)
    img = re.search(r"<img [^>]+>", first, re.S).group(0)
    assert re.search(r'srcset="\S+\.jpg 480w, \S+\.jpg 960w"', img)
    assert 'width="480"' in img and 'height="480"' in img
    assert 'fetchpriority="high"' in img and "lazy" not in img
    assert 'alt="The jar"' in img
    assert 'loading="lazy"' in second and "fetchpriority" not in second
    assert re.search(r"\.webp 240w, \S+\.webp 480w", second)
    assert "3000" not in first  # the upload itself never reaches the page
