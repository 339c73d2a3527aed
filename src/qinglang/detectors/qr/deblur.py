"""Undo a short straight motion blur (a shaken photo) well enough for zxing to read the code again.

A photo taken while the camera moves is the sharp image convolved with a short line: every point smeared into a
segment of ``length`` pixels at some ``angle``. Knowing that line, Wiener deconvolution (division by the blur's
spectrum, damped where the spectrum is near zero) gives the modules back their edges. The line is estimated from
the blurred image itself, in two steps that each cost one pass over it:

1. **direction** (:func:`blur_angle`): smearing along a direction weakens the image's gradients along it, so the
   direction is the one of least gradient energy (the structure tensor's minor axis). A code has as many
   horizontal as vertical edges, so without blur no direction stands out and any estimate is harmless;
2. **length** (:func:`blur_length`): a segment's spectrum is a sinc with zeros every ``1/length`` cycles, which
   shows in the cepstrum (the inverse transform of the log spectrum) as a negative peak at ``length`` pixels
   along the direction.

Nothing here reads a code; :mod:`qinglang.detectors.qr.hard` hands the deblurred image to zxing, whose error
correction still decides whether anything was read."""

from __future__ import annotations

import numpy as np

LENGTHS = range(4, 13)  # blur lengths (pixels) the estimate chooses among, at the size deblurring works on
NOISE_TO_SIGNAL = 0.003  # Wiener damping: lower sharpens more and amplifies noise more (0.003-0.03 measured)


def blur_angle(gray: np.ndarray) -> float:
    """Direction of least gradient energy, in degrees as :func:`motion_kernel` takes it."""
    import cv2

    g = gray.astype(np.float32)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = float((gx * gx).mean()), float((gy * gy).mean()), float((gx * gy).mean())
    strongest = 0.5 * np.arctan2(2 * jxy, jxx - jyy)  # radians in pixel coordinates (y down)
    return -float(np.degrees(strongest + np.pi / 2))  # cv2's rotation turns the other way in y-down pixels


def blur_length(gray: np.ndarray, angle: float, lengths: range = LENGTHS) -> int:
    """The length in ``lengths`` at which the cepstrum of ``gray`` (windowed) is lowest along ``angle``."""
    g = gray.astype(np.float32)
    h, w = g.shape
    window = np.outer(np.hanning(h), np.hanning(w)).astype(np.float32)
    cepstrum = np.real(np.fft.ifft2(np.log(np.abs(np.fft.fft2((g - g.mean()) * window)) + 1e-3)))
    t = np.radians(-angle)
    at = [cepstrum[round(n * np.sin(t)) % h, round(n * np.cos(t)) % w] for n in lengths]
    return lengths[int(np.argmin(at))]


def motion_kernel(length: int, angle: float) -> np.ndarray:
    """A normalised ``length``-pixel line at ``angle`` degrees (cv2's rotation convention)."""
    import cv2

    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    kernel = cv2.warpAffine(kernel, turn, (length, length))
    return kernel / max(float(kernel.sum()), 1e-6)


def wiener(gray: np.ndarray, kernel: np.ndarray, noise_to_signal: float = NOISE_TO_SIGNAL) -> np.ndarray:
    """``gray`` deconvolved by ``kernel``; the border is repeated outwards first (no wrap-around at the edges)."""
    import cv2

    m = kernel.shape[0]
    h, w = gray.shape
    ph, pw = cv2.getOptimalDFTSize(h + 2 * m), cv2.getOptimalDFTSize(w + 2 * m)
    padded = cv2.copyMakeBorder(gray, m, ph - h - m, m, pw - w - m, cv2.BORDER_REPLICATE).astype(np.float32)
    psf = np.zeros((ph, pw), np.float32)
    psf[:m, :m] = kernel
    spectrum = np.fft.rfft2(np.roll(psf, (-(m // 2), -(m // 2)), axis=(0, 1)))
    gain = np.conj(spectrum) / (np.abs(spectrum) ** 2 + noise_to_signal)
    sharp = np.fft.irfft2(np.fft.rfft2(padded) * gain, s=padded.shape)
    return np.clip(sharp[m : m + h, m : m + w], 0, 255).astype(np.uint8)


def deblurred(gray: np.ndarray) -> np.ndarray:
    """``gray`` with the straight motion blur it appears to have undone (same size)."""
    angle = blur_angle(gray)
    return wiener(gray, motion_kernel(blur_length(gray, angle), angle))
