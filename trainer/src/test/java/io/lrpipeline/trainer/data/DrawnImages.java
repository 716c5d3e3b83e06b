package io.lrpipeline.trainer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Image trees for tests: each class a flat shade of grey, PNG and JPEG alternating, RGB or grey. */
public final class DrawnImages {
    public static final String[] CLASSES = {"dark", "light", "mid"};
    public static final int[] SHADES = {30, 220, 128};

    /** {@code perClass} images of {@code size}² per class under {@code root}, RGB or grey. */
    public static void tree(Path root, int perClass, int size, boolean rgb) throws IOException {
        for (int c = 0; c < CLASSES.length; c++) {
            Path folder = Files.createDirectories(root.resolve(CLASSES[c]));
            for (int i = 0; i < perClass; i++) {
                image(folder.resolve(i + (i % 2 == 0 ? ".png" : ".jpg")), size, size, SHADES[c], rgb);
            }
        }
    }

    public static void image(Path file, int width, int height, int shade, boolean rgb) throws IOException {
        BufferedImage image = new BufferedImage(width, height, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, shade);
                if (rgb) {
                    image.getRaster().setSample(x, y, 1, shade);
                    image.getRaster().setSample(x, y, 2, shade);
                }
            }
        }
        String name = file.getFileName().toString();
        ImageIO.write(image, name.substring(name.lastIndexOf('.') + 1).replace("jpg", "jpeg"), file.toFile());
    }

    private DrawnImages() {}
}
