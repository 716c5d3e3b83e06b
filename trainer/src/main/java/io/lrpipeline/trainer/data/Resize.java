package io.lrpipeline.trainer.data;

/** Bilinear resizing of an 8-bit grayscale image to a square, scaled to [0, 1]. */
final class Resize {
    static float[] bilinear(byte[] pixels, int rows, int columns, int size) {
        float[] out = new float[size * size];
        double rowScale = (double) rows / size;
        double columnScale = (double) columns / size;
        for (int y = 0; y < size; y++) {
            double sourceY = Math.max(0, (y + 0.5) * rowScale - 0.5);
            int y0 = Math.min((int) sourceY, rows - 1);
            int y1 = Math.min(y0 + 1, rows - 1);
            double dy = sourceY - y0;
            for (int x = 0; x < size; x++) {
                double sourceX = Math.max(0, (x + 0.5) * columnScale - 0.5);
                int x0 = Math.min((int) sourceX, columns - 1);
                int x1 = Math.min(x0 + 1, columns - 1);
                double dx = sourceX - x0;
                double top = value(pixels, y0, x0, columns) * (1 - dx) + value(pixels, y0, x1, columns) * dx;
                double bottom = value(pixels, y1, x0, columns) * (1 - dx) + value(pixels, y1, x1, columns) * dx;
                out[y * size + x] = (float) ((top * (1 - dy) + bottom * dy) / 255.0);
            }
        }
        return out;
    }

    private static int value(byte[] pixels, int row, int column, int columns) {
        return pixels[row * columns + column] & 0xFF;
    }

    private Resize() {}
}
