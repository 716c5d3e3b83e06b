package io.lrpipeline.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * A tree of images, one sub-folder per class (ImageNet's layout), checked before training: every class folder holds
 * images, every image's header reads as a JPEG or PNG, all have one size. Only headers are read.
 */
record ImageTree(Path root, List<String> classes, List<Path> images, int width, int height, int channels) {
    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png");

    /** Scans {@code root}; the classes are its sub-folders, sorted. */
    static ImageTree scan(Path root) throws DataException {
        return scan(root, null);
    }

    /** Scans {@code root}, whose classes must be among {@code known} (a validation or test tree). */
    static ImageTree scan(Path root, List<String> known) throws DataException {
        List<Path> classFolders = subFolders(root);
        if (classFolders.isEmpty()) {
            throw new DataException(root + " has no class sub-folders: put the images of each class in a folder of its own"
                    + " (" + root + "/<class>/<image>.jpg)");
        }
        List<String> classes = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (Path folder : classFolders) {
            String name = folder.getFileName().toString();
            List<Path> inFolder = imagesIn(folder);
            if (inFolder.isEmpty()) {
                throw new DataException("class folder " + folder + " holds no JPEG or PNG images");
            }
            if (known != null && !known.contains(name)) {
                throw new DataException("class folder " + folder + " is not a class of the training images " + known);
            }
            classes.add(name);
            images.addAll(inFolder);
        }
        if (known == null && classes.size() < 2) {
            throw new DataException(root + " has only one class (" + classes.get(0) + "); a classifier needs at least two");
        }
        int width = -1;
        int height = -1;
        int channels = 1;
        Path first = null;
        for (Path image : images) {
            Header header = header(image);
            if (first == null) {
                first = image;
                width = header.width();
                height = header.height();
            } else if (header.width() != width || header.height() != height) {
                throw new DataException("images of mixed sizes: " + first + " is " + width + "×" + height + ", " + image + " is "
                        + header.width() + "×" + header.height() + "; resize them to one size first");
            }
            channels = Math.max(channels, header.colour() ? 3 : 1);
        }
        return new ImageTree(root, known != null ? known : classes, images, width, height, channels);
    }

    /** {@code root}'s sub-folder {@code name}, if there is one. */
    static Path child(Path root, String... names) {
        for (String name : names) {
            if (Files.isDirectory(root.resolve(name))) {
                return root.resolve(name);
            }
        }
        return null;
    }

    /** This tree's images at {@code positions}. */
    List<Path> at(int[] positions) {
        List<Path> picked = new ArrayList<>(positions.length);
        for (int position : positions) {
            picked.add(images.get(position));
        }
        return picked;
    }

    private record Header(int width, int height, boolean colour) {}

    private static Header header(Path image) throws DataException {
        try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DataException(image + " is not a readable JPEG or PNG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageTypeSpecifier type = reader.getRawImageType(0);
                boolean colour = type == null || type.getColorModel().getColorSpace().getNumComponents() >= 3;
                return new Header(reader.getWidth(0), reader.getHeight(0), colour);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new DataException(image + " is not a readable JPEG or PNG image (" + e.getMessage() + ")");
        }
    }

    private static List<Path> subFolders(Path dir) throws DataException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static List<Path> imagesIn(Path folder) throws DataException {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(Files::isRegularFile).filter(ImageTree::isImageName).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + folder + ": " + e.getMessage());
        }
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
